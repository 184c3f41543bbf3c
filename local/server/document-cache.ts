/**
 * Parsed and validated documents by query text, bounded by the memory they take rather than by their
 * number: a few hundred distinct large queries must not grow the heap past a stated budget (issue 13.1).
 */

/** A least-recently-used map whose entries are weighed in bytes; past the budget the oldest go first. */
export class DocumentCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private used = 0;

  /**
   * @param budgetBytes the most the entries may weigh together
   * @param weigh the estimated bytes an entry takes, from its key (the query text) and value
   */
  constructor(
    readonly budgetBytes: number,
    private readonly weigh: (key: string, value: V) => number,
  ) {}

  /** The estimated bytes held now. */
  get bytes(): number {
    return this.used;
  }

  /** The number of entries. */
  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, marking it as recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` unless it alone is over the budget; evicts the least recently used to make room. */
  set(key: string, value: V): void {
    const bytes = this.weigh(key, value);
    this.delete(key);
    if (bytes > this.budgetBytes) return;
    while (this.used + bytes > this.budgetBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
    this.entries.set(key, { value, bytes });
    this.used += bytes;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.used -= entry.bytes;
  }
}

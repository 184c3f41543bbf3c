/** Builders for poll inputs and instants relative to now. */

/** An ISO-8601 instant `ms` milliseconds from now. */
export function fromNow(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/** One hour, in milliseconds. */
export const HOUR = 3_600_000;

/** A valid createPoll input, with overrides. */
export function pollInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Best colour',
    options: [{ label: 'Red' }, { label: 'Green' }, { label: 'Blue' }],
    ...overrides,
  };
}

/**
 * Abortable waits for the event source mapping's polling loops, so that `stop()` never leaves a timer behind.
 */

/**
 * Waits for `ms` milliseconds, or less when the signal aborts.
 *
 * @returns true when the time elapsed, false when the signal aborted first.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const finish = (elapsed: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(elapsed);
    };
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(true), Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Idle waits that can be cut short all at once, e.g. when a caller asks to be told once the stream is idle. */
export class Waker {
  readonly #waiting = new Set<() => void>();

  /** Waits for `ms` milliseconds, or less when {@link Waker.wake} is called or the signal aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const finish = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.#waiting.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, ms));
      signal.addEventListener('abort', finish, { once: true });
      this.#waiting.add(finish);
    });
  }

  /** Ends every wait in progress. */
  wake(): void {
    for (const finish of [...this.#waiting]) finish();
  }
}

/**
 * Ctrl+C (and SIGTERM/SIGHUP) as the engine sees it: a request to stop at the next safe point,
 * never a kill in the middle of a change.
 */
export class Interrupts {
  #requested = false;
  #waiters: Array<() => void> = [];

  get requested(): boolean {
    return this.#requested;
  }

  request(): void {
    this.#requested = true;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  clear(): void {
    this.#requested = false;
  }

  /** Resolves at the next request (at once if one is pending). */
  next(): Promise<void> {
    if (this.#requested) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

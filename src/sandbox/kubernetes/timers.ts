/** Named timers that a controller can replace, cancel, and all stop when the emulator closes. */
export class Timers {
  #timers = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  /** An infinite delay means never; Node would fire a timer beyond 2^31-1 ms at once, so longer ones are capped. */
  set(key: string, ms: number, fn: () => void): void {
    if (this.#stopped) return;
    this.clear(key);
    if (!Number.isFinite(ms)) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(key);
        fn();
      },
      Math.min(Math.max(0, ms), 2_147_483_647),
    );
    this.#timers.set(key, timer);
  }

  /** Keeps an already pending timer (the earliest wins), for "reconcile soon" requests. */
  ensure(key: string, ms: number, fn: () => void): void {
    if (!this.#timers.has(key)) this.set(key, ms, fn);
  }

  clear(key: string): void {
    const timer = this.#timers.get(key);
    if (timer) clearTimeout(timer);
    this.#timers.delete(key);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

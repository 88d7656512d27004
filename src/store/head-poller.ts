/**
 * Tells subscribers the store's head version: once soon after they subscribe, then whenever it grows.
 * SQLite polls with it (it cannot hear other processes' commits); PostgreSQL calls `check()` on each
 * notification and polls slowly as the fallback after a missed notification or a reconnect.
 */

/** Reads `readHead` on `check()` and every `intervalMs` (0: never) while it has listeners. */
export class HeadPoller {
  readonly #readHead: () => Promise<number>;
  readonly #intervalMs: number;
  /** Each listener with the last version it was given (-1: none yet). */
  readonly #listeners = new Map<(version: number) => void, number>();
  #timer: NodeJS.Timeout | undefined;
  #checking = false;
  #again = false;

  constructor(readHead: () => Promise<number>, intervalMs: number) {
    this.#readHead = readHead;
    this.#intervalMs = intervalMs;
  }

  /** Adds a listener (it soon hears the current head); returns its unsubscribe function. */
  add(listener: (version: number) => void): () => void {
    const wrapped = (version: number): void => listener(version);
    this.#listeners.set(wrapped, -1);
    if (this.#timer === undefined && this.#intervalMs > 0) {
      // The timer never keeps the process alive on its own.
      this.#timer = setInterval(() => void this.check(), this.#intervalMs).unref();
    }
    setImmediate(() => void this.check());
    return () => {
      this.#listeners.delete(wrapped);
      if (this.#listeners.size === 0) this.#stopTimer();
    };
  }

  /** Reads the head now and gives it to every listener that has not seen it; never throws. */
  async check(): Promise<void> {
    if (this.#listeners.size === 0) return;
    if (this.#checking) {
      this.#again = true; // a commit landed during the read: read once more afterwards
      return;
    }
    this.#checking = true;
    try {
      do {
        this.#again = false;
        this.#deliver(await this.#readHead());
      } while (this.#again);
    } catch {
      // The store is unreachable: the next successful read reports whatever was missed.
    } finally {
      this.#checking = false;
    }
  }

  /** Stops polling and forgets every listener. */
  stop(): void {
    this.#listeners.clear();
    this.#stopTimer();
  }

  #deliver(head: number): void {
    for (const [listener, seen] of [...this.#listeners]) {
      if (head <= seen || !this.#listeners.has(listener)) continue;
      this.#listeners.set(listener, head);
      listener(head);
    }
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

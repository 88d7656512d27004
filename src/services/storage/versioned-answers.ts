/**
 * Answers computed from the store, kept while the store's head version stays the one they were computed
 * at (docs/storage.md "Read model"): any write — from this process or, seen through the store's
 * head, another — moves the head and drops them all. Bounded by total size; the oldest go first.
 * Only successes are kept: a refusal is computed again, so it never outlives its cause.
 */
export class VersionedAnswers<V> {
  readonly #maxSize: number;
  readonly #sizeOf: (value: V) => number;
  #version = -1;
  #size = 0;
  readonly #entries = new Map<string, V>();

  constructor(options: { maxSize: number; sizeOf: (value: V) => number }) {
    this.#maxSize = options.maxSize;
    this.#sizeOf = options.sizeOf;
  }

  /** The answer for `key` computed at `version`, if kept. */
  get(version: number, key: string): V | undefined {
    return version === this.#version ? this.#entries.get(key) : undefined;
  }

  /** Keeps an answer computed at `version` (ignored when older than what is kept, or too large). */
  set(version: number, key: string, value: V): void {
    if (version < this.#version) return;
    if (version !== this.#version) {
      this.#entries.clear();
      this.#size = 0;
      this.#version = version;
    }
    const size = this.#sizeOf(value);
    if (size > this.#maxSize / 4) return;
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#size -= this.#sizeOf(old);
      this.#entries.delete(key);
    }
    this.#entries.set(key, value);
    this.#size += size;
    for (const [k, v] of this.#entries) {
      if (this.#size <= this.#maxSize) break;
      this.#entries.delete(k);
      this.#size -= this.#sizeOf(v);
    }
  }
}

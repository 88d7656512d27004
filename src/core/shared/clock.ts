/** Time as a dependency (docs/architecture.md, convention 6): every lifecycle decision is a pure function of `now`. */

/** Source of the current instant. */
export interface Clock {
  now(): Date;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | number | string = Date.now()) {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }
  set(to: Date | number | string): void {
    this.#ms = new Date(to).getTime();
  }
}

/** A clock shifted from another by a fixed offset (a server whose clock runs ahead or behind). */
export function offsetClock(base: Clock, offsetMs: number): Clock {
  return { now: () => new Date(base.now().getTime() + offsetMs) };
}

/** Seconds since the epoch, truncated, as JWT time claims use them (RFC 7519 §2 NumericDate). */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

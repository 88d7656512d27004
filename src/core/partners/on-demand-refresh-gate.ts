/**
 * Whether a token naming a partner with an unknown `x5t` may start a metadata fetch (docs/security.md
 * "Refresh budget"). The trigger is unauthenticated — the key that would verify the signature is the one
 * we do not have — so anyone can send it; the gate makes it impossible to starve the pickup of a real key
 * roll (docs/protocol.md §7):
 *
 * - one fetch per partner per 30 s (as before);
 * - per-`x5t` de-duplication: an `x5t` that the fetch it started did not find is not fetched for again
 *   for 15 min (the periodic retry interval after a failure), so replaying one token costs nothing;
 * - a budget that cannot be drained to zero: 24 "fast" fetches per partner per rolling 24 h; a fetch that
 *   finds the `x5t` that started it (a real roll) is refunded; once the fast budget is spent by fetches that
 *   found nothing, on-demand fetches go on at one per 5 min instead of stopping — a real roll is picked up
 *   within 5 min whatever an attacker sends, never only at the next periodic refresh.
 *
 * The periodic refresh never passes through this gate. State is per process; a pure function of `now`.
 */

/** Every default, with its unit. */
export const ON_DEMAND_REFRESH_DEFAULTS = {
  /** Seconds between two on-demand fetches of one partner while the fast budget lasts. */
  minIntervalSeconds: 30,
  /** Fetches per partner per rolling 24 h that may find nothing before the slow lane starts. */
  fastPerDay: 24,
  /** Seconds between two on-demand fetches of one partner once the fast budget is spent. */
  slowIntervalSeconds: 5 * 60,
  /** Seconds an `x5t` that its fetch did not find is not fetched for again. */
  absentForSeconds: 15 * 60,
  /** `x5t` values remembered as absent per partner (oldest forgotten first). */
  maxRememberedPerPartner: 256,
} as const;

/** The gate's settings (defaults above). */
export type OnDemandRefreshSettings = { -readonly [K in keyof typeof ON_DEMAND_REFRESH_DEFAULTS]: number };

/** Why a fetch may not start now. */
export type OnDemandRefusal = 'interval' | 'known-absent';

interface PartnerState {
  lastStartMs: number | null;
  /** Start times of fetches (last 24 h) that did not find their `x5t`. */
  wasted: number[];
  /** `x5t` → until when it is known to be absent (ms). */
  absent: Map<string, number>;
}

const DAY_MS = 86_400_000;

/** The per-partner on-demand refresh decision and its accounting. */
export class OnDemandRefreshGate {
  readonly #settings: OnDemandRefreshSettings;
  readonly #partners = new Map<string, PartnerState>();

  constructor(settings: Partial<OnDemandRefreshSettings> = {}) {
    this.#settings = { ...ON_DEMAND_REFRESH_DEFAULTS, ...settings };
  }

  /** Allows (and records the start of) a fetch for `identity` triggered by `x5t`, or says why not. */
  request(
    identity: string,
    x5t: string | null,
    now: Date,
  ): { allowed: true } | { allowed: false; reason: OnDemandRefusal } {
    const t = now.getTime();
    const state = this.#state(identity);
    if (x5t !== null && (state.absent.get(x5t) ?? 0) > t) return { allowed: false, reason: 'known-absent' };
    state.wasted = state.wasted.filter((at) => t - at < DAY_MS);
    const slow = state.wasted.length >= this.#settings.fastPerDay;
    const intervalMs = (slow ? this.#settings.slowIntervalSeconds : this.#settings.minIntervalSeconds) * 1000;
    if (state.lastStartMs !== null && t - state.lastStartMs < intervalMs)
      return { allowed: false, reason: 'interval' };
    state.lastStartMs = t;
    return { allowed: true };
  }

  /** Records what a fetch started at `startedAt` found: its `x5t` (refunded) or not (spent, `x5t` absent). */
  settle(identity: string, x5t: string | null, found: boolean, startedAt: Date): void {
    if (found) return;
    const state = this.#state(identity);
    const t = startedAt.getTime();
    state.wasted.push(t);
    if (x5t === null) return;
    state.absent.delete(x5t);
    state.absent.set(x5t, t + this.#settings.absentForSeconds * 1000);
    for (const oldest of state.absent.keys()) {
      if (state.absent.size <= this.#settings.maxRememberedPerPartner) break;
      state.absent.delete(oldest);
    }
  }

  #state(identity: string): PartnerState {
    let state = this.#partners.get(identity);
    if (!state) {
      state = { lastStartMs: null, wasted: [], absent: new Map() };
      this.#partners.set(identity, state);
    }
    return state;
  }
}

/**
 * When a partner's metadata is refreshed (protocol.md §7, consumer side): every period (Exchange: 12 h),
 * 15 minutes after a failed attempt, and on demand (unknown `x5t`, signature failure) within a rate limit
 * (Exchange bounds signature-failure refetches per 24 h). Pure functions of the stored state and `now`.
 */
import type { PartnerApplication } from './partner-application.ts';

/** Every default, with its unit. */
export const REFRESH_DEFAULTS = {
  /** Retry after a failed periodic attempt (Exchange's servicelet: 15 min). */
  retryAfterFailureSeconds: 15 * 60,
  /** At most one on-demand refresh per partner per this many seconds. */
  onDemandMinIntervalSeconds: 30,
  /** At most this many on-demand refreshes per partner per rolling 24 h. */
  onDemandPerDay: 24,
} as const;

/** When the next periodic refresh of a metadata partner is due; null for static-certificate partners. */
export function nextRefreshAt(
  partner: Pick<PartnerApplication, 'source' | 'refresh'>,
  periodSeconds: number,
  retryAfterFailureSeconds: number = REFRESH_DEFAULTS.retryAfterFailureSeconds,
): Date | null {
  if (partner.source !== 'metadata') return null;
  const { lastSuccessAt, lastAttemptAt, lastError } = partner.refresh;
  const afterSuccess = lastSuccessAt === null ? 0 : Date.parse(lastSuccessAt) + periodSeconds * 1000;
  if (lastError === null || lastAttemptAt === null) return new Date(afterSuccess);
  return new Date(Math.max(afterSuccess, Date.parse(lastAttemptAt) + retryAfterFailureSeconds * 1000));
}

/** True when an enabled metadata partner is due for its periodic refresh at `now`. */
export function isRefreshDue(
  partner: Pick<PartnerApplication, 'source' | 'refresh' | 'enabled'>,
  periodSeconds: number,
  now: Date,
): boolean {
  if (!partner.enabled) return false;
  const next = nextRefreshAt(partner, periodSeconds);
  return next !== null && next.getTime() <= now.getTime();
}

/** Decides whether an on-demand refresh may start: a per-partner minimum interval and a daily bound. */
export class OnDemandRefreshLimiter {
  readonly #history = new Map<string, number[]>();
  readonly #minIntervalMs: number;
  readonly #perDay: number;

  constructor(options: { minIntervalSeconds?: number; perDay?: number } = {}) {
    this.#minIntervalMs = (options.minIntervalSeconds ?? REFRESH_DEFAULTS.onDemandMinIntervalSeconds) * 1000;
    this.#perDay = options.perDay ?? REFRESH_DEFAULTS.onDemandPerDay;
  }

  /** Records and allows a refresh of `identity` at `now`, or returns why it is refused. */
  tryAcquire(
    identity: string,
    now: Date,
  ): { allowed: true } | { allowed: false; reason: 'interval' | 'daily-limit' } {
    const t = now.getTime();
    const recent = (this.#history.get(identity) ?? []).filter((at) => t - at < 86_400_000);
    const last = recent[recent.length - 1];
    if (last !== undefined && t - last < this.#minIntervalMs) return { allowed: false, reason: 'interval' };
    if (recent.length >= this.#perDay) return { allowed: false, reason: 'daily-limit' };
    recent.push(t);
    this.#history.set(identity, recent);
    return { allowed: true };
  }
}

/**
 * When a partner's metadata is refreshed (docs/protocol.md §7, consumer side): every period (Exchange: 12 h),
 * 15 minutes after a failed attempt. On-demand refreshes (unknown `x5t`) are decided by
 * `on-demand-refresh-gate.ts`. Pure functions of the stored state and `now`.
 */
import type { PartnerApplication } from './partner-application.ts';

/** Every default, with its unit. */
export const REFRESH_DEFAULTS = {
  /** Retry after a failed periodic attempt (Exchange's servicelet: 15 min). */
  retryAfterFailureSeconds: 15 * 60,
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

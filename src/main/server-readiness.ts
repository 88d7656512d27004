/**
 * Readiness of a front-end server (docs/server.md): `ready`, `degraded` (serving, but an operator must act: the
 * OAuthTokenIssuer certificate expires within 30 days, or a partner's metadata is stale) or `unavailable`
 * (cannot serve S2S: no store, or no token-signing certificate). The decision is a pure function of `now`.
 */
import type { Services } from '../services/index.ts';
import type { Clock } from '../core/index.ts';

/** Thresholds, each declared once with its unit. */
export const READINESS_THRESHOLDS = {
  /** Days before the OAuthTokenIssuer certificate expires at which readiness degrades. */
  certificateDays: 30,
  /** A partner's metadata is stale once its last success is older than this many refresh periods. */
  staleRefreshPeriods: 2,
} as const;

export interface ReadinessCheck {
  readonly name: string;
  readonly status: 'ok' | 'degraded' | 'unavailable';
  readonly detail: string;
}

export interface Readiness {
  readonly status: 'ready' | 'degraded' | 'unavailable';
  readonly checks: readonly ReadinessCheck[];
}

/** Facts gathered from the deployment. */
export interface ReadinessFacts {
  readonly storeReachable: boolean;
  readonly tokenCertificateNotAfter: Date | null;
  readonly refreshPeriodSeconds: number;
  readonly partners: ReadonlyArray<{
    identity: string;
    enabled: boolean;
    byMetadata: boolean;
    lastSuccessAgeSeconds: number | null;
    lastError: string | null;
  }>;
}

/** Decides readiness from facts. */
export function evaluateReadiness(facts: ReadinessFacts, now: Date): Readiness {
  const checks: ReadinessCheck[] = [
    facts.storeReachable
      ? ok('store', 'the configuration store answers')
      : { name: 'store', status: 'unavailable', detail: 'the configuration store cannot be reached' },
    certificateCheck(facts.tokenCertificateNotAfter, now),
    ...facts.partners
      .filter((p) => p.enabled && p.byMetadata)
      .map((p) => partnerCheck(p, facts.refreshPeriodSeconds)),
  ];
  const status = checks.some((c) => c.status === 'unavailable')
    ? 'unavailable'
    : checks.some((c) => c.status === 'degraded')
      ? 'degraded'
      : 'ready';
  return { status, checks };
}

function certificateCheck(notAfter: Date | null, now: Date): ReadinessCheck {
  if (!notAfter)
    return {
      name: 'oauth-certificate',
      status: 'unavailable',
      detail: 'no OAuthTokenIssuer certificate is assigned',
    };
  const days = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
  if (days < READINESS_THRESHOLDS.certificateDays) {
    return {
      name: 'oauth-certificate',
      status: 'degraded',
      detail: `the OAuthTokenIssuer certificate expires in ${days} day(s): roll it (certificate set --roll)`,
    };
  }
  return ok('oauth-certificate', `the OAuthTokenIssuer certificate expires in ${days} days`);
}

function partnerCheck(p: ReadinessFacts['partners'][number], periodSeconds: number): ReadinessCheck {
  const name = `partner:${p.identity}`;
  const limit = periodSeconds * READINESS_THRESHOLDS.staleRefreshPeriods;
  if (p.lastSuccessAgeSeconds === null || p.lastSuccessAgeSeconds > limit) {
    const age =
      p.lastSuccessAgeSeconds === null ? 'never fetched' : `last fetched ${p.lastSuccessAgeSeconds} s ago`;
    return {
      name,
      status: 'degraded',
      detail: `metadata is stale (${age}${p.lastError ? `; last error: ${p.lastError}` : ''})`,
    };
  }
  return ok(name, `metadata fetched ${p.lastSuccessAgeSeconds} s ago`);
}

function ok(name: string, detail: string): ReadinessCheck {
  return { name, status: 'ok', detail };
}

/** Gathers the facts from the services (never throws: an unreachable store is a fact). */
export async function gatherReadinessFacts(
  services: Services,
  headVersion: () => Promise<number>,
): Promise<ReadinessFacts> {
  const storeReachable = await headVersion().then(
    () => true,
    () => false,
  );
  const certs = services.certificates;
  const tokenCertificateNotAfter = await certs.signingMaterial('OAuthTokenIssuer', 'global').then(
    (m) => m.current?.notAfter ?? null,
    () => null,
  );
  const refreshPeriodSeconds = await services.oauth.get().then(
    (c) => c.metadataRefreshSeconds,
    () => 12 * 3600,
  );
  const views = await services.partners.list().catch(() => []);
  const partners = views.map((v) => ({
    identity: v.partner.identity,
    enabled: v.partner.enabled,
    byMetadata: v.partner.source === 'metadata',
    lastSuccessAgeSeconds: v.status.lastSuccessAgeSeconds,
    lastError: v.partner.refresh.lastError?.message ?? null,
  }));
  return { storeReachable, tokenCertificateNotAfter, refreshPeriodSeconds, partners };
}

/** Readiness now. */
export async function readinessNow(
  services: Services,
  headVersion: () => Promise<number>,
  clock: Clock,
): Promise<Readiness> {
  return evaluateReadiness(await gatherReadinessFacts(services, headVersion), clock.now());
}

/**
 * Readiness of a front-end server (docs/server.md "Readiness"): `ready`, `degraded` (serving — token
 * validation and metadata keep working — but something an operator must act on: writes failing, the
 * central store out of reach, the replica file not writable, the OAuthTokenIssuer certificate expiring
 * within 30 days, a partner's metadata stale) or `not-ready` (serves nothing useful: start-up not
 * finished, the store unreadable, no token-signing certificate). The decision is a pure function of
 * facts and `now`. Under an automatic renewal policy (docs/renewal.md) a certificate inside its renewal
 * window is expected, so the 30-day rule gives way to the renewal's own state: degraded once a renewal has
 * failed, or when the window has been open an hour with no successor staged.
 *
 * Every check carries a stable reason code. The unauthenticated answer is `{status, reasons}` only —
 * never URLs, host names, partner names or error text (docs/security.md); the checks with their
 * details are served only to a request that presents the operations token.
 */
import type { Services } from '../services/index.ts';
import type { Clock } from '../core/index.ts';

/** Thresholds, each declared once with its unit. */
export const READINESS_THRESHOLDS = {
  /** Days before the OAuthTokenIssuer certificate expires at which readiness degrades. */
  certificateDays: 30,
  /** A partner's metadata is stale once its last success is older than this many refresh periods. */
  staleRefreshPeriods: 2,
  /** Seconds a renewal window may stay open without a staged successor before readiness degrades. */
  renewalGraceSeconds: 3600,
  /** Days before a partner's newest published certificate expires at which readiness degrades. */
  partnerCertificateDays: 30,
} as const;

/** Reason codes, each with the level it implies (docs/server.md lists them with their fix). */
export const READINESS_REASONS = {
  starting: 'not-ready',
  'store-unavailable': 'not-ready',
  'no-token-certificate': 'not-ready',
  'central-store-unreachable': 'degraded',
  'store-writes-failing': 'degraded',
  'replica-write-failing': 'degraded',
  'token-certificate-expiring': 'degraded',
  'partner-metadata-stale': 'degraded',
  'certificate-renewal-failing': 'degraded',
  'partner-certificate-expiring': 'degraded',
} as const;

export type ReadinessReason = keyof typeof READINESS_REASONS;
export type ReadinessStatus = 'ready' | 'degraded' | 'not-ready';

export interface ReadinessCheck {
  readonly name: string;
  readonly status: 'ok' | 'degraded' | 'not-ready';
  /** Set when status is not ok. */
  readonly reason?: ReadinessReason;
  /** For operators (served with the operations token only): may name partners and carry error text. */
  readonly detail: string;
}

export interface Readiness {
  readonly status: ReadinessStatus;
  /** Distinct reason codes of the failing checks, in check order. */
  readonly reasons: readonly ReadinessReason[];
  readonly checks: readonly ReadinessCheck[];
}

/** What an unauthenticated caller sees. */
export interface PublicReadiness {
  readonly status: ReadinessStatus;
  readonly reasons: readonly ReadinessReason[];
}

/** The state of the store as this server sees it. */
export interface StoreHealthFacts {
  /** The configuration can be read (a pool node reads its replica, so this stays true in an outage). */
  readonly readable: boolean;
  /** Pool nodes only: whether the central store answered the last catch-up (undefined: not a pool). */
  readonly centralReachable?: boolean | undefined;
  /** The last write attempt failed for a reason other than a refusal (e.g. SQLITE_FULL); its code. */
  readonly lastWriteFailure?: string | null | undefined;
  /** Pool nodes only: the last write of the local replica file failed; its code. */
  readonly replicaWriteFailure?: string | null | undefined;
}

/** Facts gathered from the deployment. */
/** Renewal state of one assignment under a renewal policy (docs/renewal.md). */
export interface RenewalFacts {
  readonly usage: string;
  readonly identity: string;
  /** False for `manual`. */
  readonly automatic: boolean;
  readonly notAfter: Date | null;
  readonly renewAt: Date | null;
  readonly staged: boolean;
  readonly failures: number;
  readonly lastError: string | null;
}

export interface ReadinessFacts {
  readonly store: StoreHealthFacts;
  readonly tokenCertificateNotAfter: Date | null;
  /** Assignments that have a renewal policy; absent: none. */
  readonly renewals?: readonly RenewalFacts[];
  /** Partners whose newest published signing certificate expires within the alert window. */
  readonly partnerCertificates?: ReadonlyArray<{ partner: string; daysToExpiry: number }>;
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
  const renewals = facts.renewals ?? [];
  const tokenRenewal = renewals.find(
    (r) => r.usage === 'OAuthTokenIssuer' && r.identity === 'global' && r.automatic,
  );
  return summarize([
    ...storeChecks(facts.store),
    tokenRenewal && facts.tokenCertificateNotAfter
      ? ok('oauth-certificate', 'the OAuthTokenIssuer certificate is renewed automatically')
      : certificateCheck(facts.tokenCertificateNotAfter, now),
    ...renewals.filter((r) => r.automatic).map((r) => renewalCheck(r, now)),
    ...(facts.partnerCertificates ?? [])
      .filter((p) => p.daysToExpiry < READINESS_THRESHOLDS.partnerCertificateDays)
      .map((p) =>
        failing(
          `partner-certificate:${p.partner}`,
          'partner-certificate-expiring',
          `every signing certificate partner ${p.partner} publishes expires within ${Math.max(0, Math.floor(p.daysToExpiry))} day(s)`,
        ),
      ),
    ...facts.partners
      .filter((p) => p.enabled && p.byMetadata)
      .map((p) => partnerCheck(p, facts.refreshPeriodSeconds)),
  ]);
}

/** A server whose start-up has not finished (or failed) serves nothing yet: never ready. */
export function startingReadiness(): Readiness {
  return summarize([failing('startup', 'starting', 'the server is still starting')]);
}

/** The unauthenticated view: status and reason codes, nothing else. */
export function publicReadiness(r: Readiness): PublicReadiness {
  return { status: r.status, reasons: r.reasons };
}

function summarize(checks: ReadinessCheck[]): Readiness {
  const status: ReadinessStatus = checks.some((c) => c.status === 'not-ready')
    ? 'not-ready'
    : checks.some((c) => c.status === 'degraded')
      ? 'degraded'
      : 'ready';
  const reasons = [...new Set(checks.flatMap((c) => (c.reason ? [c.reason] : [])))];
  return { status, reasons, checks };
}

function storeChecks(store: StoreHealthFacts): ReadinessCheck[] {
  if (!store.readable)
    return [failing('store', 'store-unavailable', 'the configuration store cannot be read')];
  const checks: ReadinessCheck[] = [ok('store', 'the configuration store answers')];
  if (store.centralReachable === false)
    checks.push(
      failing(
        'central-store',
        'central-store-unreachable',
        'the central store is unreachable: serving the local replica, accepting no changes',
      ),
    );
  else if (store.centralReachable === true) checks.push(ok('central-store', 'the central store answers'));
  if (store.lastWriteFailure)
    checks.push(
      failing(
        'store-writes',
        'store-writes-failing',
        `the last write to the store failed (${store.lastWriteFailure}); changes are not accepted until a write succeeds`,
      ),
    );
  if (store.replicaWriteFailure)
    checks.push(
      failing(
        'replica-file',
        'replica-write-failing',
        `the local replica file cannot be written (${store.replicaWriteFailure}): a restart while the central store is down would serve older configuration`,
      ),
    );
  return checks;
}

function certificateCheck(notAfter: Date | null, now: Date): ReadinessCheck {
  if (!notAfter)
    return failing(
      'oauth-certificate',
      'no-token-certificate',
      'no OAuthTokenIssuer certificate is assigned',
    );
  const days = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
  if (days < READINESS_THRESHOLDS.certificateDays) {
    return failing(
      'oauth-certificate',
      'token-certificate-expiring',
      `the OAuthTokenIssuer certificate expires in ${days} day(s): roll it (certificate set --roll)`,
    );
  }
  return ok('oauth-certificate', `the OAuthTokenIssuer certificate expires in ${days} days`);
}

function renewalCheck(r: RenewalFacts, now: Date): ReadinessCheck {
  const name = `renewal:${r.identity}/${r.usage}`;
  if (r.failures > 0)
    return failing(
      name,
      'certificate-renewal-failing',
      `renewal of the ${r.usage} certificate failed ${r.failures} time(s)${r.lastError ? ` (${r.lastError})` : ''}; it expires ${r.notAfter?.toISOString() ?? 'at an unknown date'}`,
    );
  const overdue =
    !r.staged &&
    r.renewAt !== null &&
    now.getTime() - r.renewAt.getTime() > READINESS_THRESHOLDS.renewalGraceSeconds * 1000;
  if (overdue)
    return failing(
      name,
      'certificate-renewal-failing',
      `the ${r.usage} certificate has been in its renewal window since ${r.renewAt.toISOString()} and no successor is staged`,
    );
  return ok(name, `the ${r.usage} certificate is renewed automatically`);
}

function partnerCheck(p: ReadinessFacts['partners'][number], periodSeconds: number): ReadinessCheck {
  const name = `partner:${p.identity}`;
  const limit = periodSeconds * READINESS_THRESHOLDS.staleRefreshPeriods;
  if (p.lastSuccessAgeSeconds === null || p.lastSuccessAgeSeconds > limit) {
    const age =
      p.lastSuccessAgeSeconds === null ? 'never fetched' : `last fetched ${p.lastSuccessAgeSeconds} s ago`;
    return failing(
      name,
      'partner-metadata-stale',
      `metadata is stale (${age}${p.lastError ? `; last error: ${p.lastError}` : ''})`,
    );
  }
  return ok(name, `metadata fetched ${p.lastSuccessAgeSeconds} s ago`);
}

function ok(name: string, detail: string): ReadinessCheck {
  return { name, status: 'ok', detail };
}

function failing(name: string, reason: ReadinessReason, detail: string): ReadinessCheck {
  return { name, status: READINESS_REASONS[reason], reason, detail };
}

/** Gathers the facts from the services (never throws: an unreachable store is a fact). */
export async function gatherReadinessFacts(
  services: Services,
  storeHealth: () => Promise<StoreHealthFacts>,
): Promise<ReadinessFacts> {
  const store = await storeHealth().catch((): StoreHealthFacts => ({ readable: false }));
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
  const renewals = await services.renewal.status().then(
    (all) =>
      all
        .filter((s) => s.renewalSource !== null)
        .map((s): RenewalFacts => ({
          usage: s.usage,
          identity: s.identity,
          automatic: s.renewalSource !== 'manual',
          notAfter: s.notAfter === null ? null : new Date(s.notAfter),
          renewAt: s.renewAt === null ? null : new Date(s.renewAt),
          staged: s.stagedThumbprint !== null,
          failures: s.failures,
          lastError: s.lastError?.code ?? null,
        })),
    () => [],
  );
  const partnerCertificates = await services.renewal.partnerExpiries().catch(() => []);
  return {
    store,
    tokenCertificateNotAfter,
    refreshPeriodSeconds,
    partners,
    renewals,
    partnerCertificates,
  };
}

/** Readiness now. */
export async function readinessNow(
  services: Services,
  storeHealth: () => Promise<StoreHealthFacts>,
  clock: Clock,
): Promise<Readiness> {
  return evaluateReadiness(await gatherReadinessFacts(services, storeHealth), clock.now());
}

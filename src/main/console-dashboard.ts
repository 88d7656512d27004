/**
 * The console dashboard's data (docs/console.md "Dashboard"), gathered in one call: realm and service name,
 * health as /readyz sees it, pool nodes with their replication state and clock offset, certificates per usage
 * and state, partners and OAuth servers with their metadata freshness, and the refusals this server counted.
 * Only names, dates, states and codes: never a key, a token or a secret.
 */
import type { Clock } from '../core/index.ts';
import { readPoolStatus } from '../adapters/cli/commands/replication/status.ts';
import type { Services } from '../services/index.ts';
import type { DocumentStore } from '../store/document-store.ts';
import type { RefusalTally } from './server-metrics.ts';
import { readinessNow } from './server-readiness.ts';
import type { StoreHealthFacts } from './server-readiness.ts';

/** A certificate within its renewal window (days before notAfter) is shown as `expiring`. */
const EXPIRING_DAYS = 30;

export interface DashboardSources {
  readonly services: Services;
  readonly store: DocumentStore;
  readonly clock: Clock;
  readonly storeHealth: () => Promise<StoreHealthFacts>;
  readonly refusals: () => RefusalTally[];
}

export async function consoleDashboard(s: DashboardSources) {
  const now = s.clock.now();
  const [oauth, readiness, nodes, certificates, partners, servers] = await Promise.all([
    s.services.oauth.find(),
    readinessNow(s.services, s.storeHealth, s.clock),
    dashboardNodes(s.store),
    s.services.certificates.list(),
    s.services.partners.list(),
    s.services.oauthServers.list(),
  ]);
  const rows = certificates.flatMap((c) =>
    c.assignedTo.map((a) => {
      const m = /^(.*)\/([^/ ]+) \((current|previous|staged)\)$/.exec(a);
      const notAfter = Date.parse(c.notAfter);
      const status = !c.hasPrivateKey
        ? 'no private key'
        : notAfter <= now.getTime()
          ? 'expired'
          : notAfter - now.getTime() < EXPIRING_DAYS * 86_400_000
            ? 'expiring'
            : 'valid';
      return {
        usage: m ? (m[1] === 'global' ? m[2]! : `${m[2]!} (${m[1]!})`) : a,
        state: m?.[3] ?? 'current',
        thumbprint: c.thumbprint,
        subject: c.subject,
        notBefore: c.notBefore,
        notAfter: c.notAfter,
        status,
      };
    }),
  );
  return {
    now: now.toISOString(),
    oauth: oauth
      ? { realm: oauth.body.realm, serviceName: oauth.body.serviceName, hostNames: [...oauth.body.hostNames] }
      : null,
    health: { status: readiness.status, reasons: [...readiness.reasons] },
    nodes,
    certificates: rows,
    partners: [
      ...partners.map(({ partner: p }) => ({
        identity: p.identity,
        kind: 'partner' as const,
        trustLevel: p.trustLevel,
        enabled: p.enabled,
        lastSuccess: p.refresh.lastSuccessAt,
        lastError: p.refresh.lastError?.at ?? null,
        lastErrorCode: p.refresh.lastError?.code ?? null,
      })),
      ...servers.map(({ server: o }) => ({
        identity: o.identity,
        kind: 'oauth-server' as const,
        trustLevel: null,
        enabled: true,
        lastSuccess: o.refresh.lastSuccessAt,
        lastError: o.refresh.lastError?.at ?? null,
        lastErrorCode: o.refresh.lastError?.code ?? null,
      })),
    ],
    refusals: s
      .refusals()
      .map((r) => ({ code: `${r.code} (${r.diagnostic})`, count: r.count, last: r.last })),
  };
}

/** Pool nodes from their heartbeat records; a single SQLite node is the store's owner. */
async function dashboardNodes(store: DocumentStore) {
  try {
    if (store.dialect === 'sqlite') {
      const owner = (await store.list('node'))[0];
      return owner
        ? [
            {
              node: owner.key,
              lastSeen: owner.updatedAt,
              replication: 'single node (SQLite)',
              clockOffsetMs: null,
            },
          ]
        : [];
    }
    const status = await readPoolStatus(store, undefined);
    return status.nodes.map((n) => ({
      node: n.fqdn,
      lastSeen: n.lastContact,
      replication: n.upToDate
        ? `up to date (${n.state})`
        : `behind: ${n.pendingChanges ?? 'unknown'} changes (${n.state})`,
      clockOffsetMs: n.clockOffsetMs,
    }));
  } catch {
    // The central store unreachable: the health card says so; the node list stays empty.
    return [];
  }
}

/**
 * `s2s replication status` [Get-CsManagementStoreReplicationStatus]: per node of the pool its last
 * contact, the configuration version it applied, whether that is up to date, its clock offset and the
 * OAuthTokenIssuer thumbprints it serves (docs/replication.md). Reads the `node` records and the change log.
 */
import type { Command } from 'commander';
import { parsePoolNode } from '../../../../core/replication/pool-node.ts';
import { computePoolStatus } from '../../../../core/replication/pool-status.ts';
import type { NodeObservation, PoolNodeStatus } from '../../../../core/replication/pool-status.ts';
import { isConfigurationChange } from '../../../../core/replication/replica-scope.ts';
import type { DocumentStore } from '../../../../store/document-store.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';

interface StatusOptions {
  replicaFqdn?: string;
}

/** Change-log pages read per node to decide whether it is up to date, and their size. */
const PENDING_SCAN = { pages: 4, pageSize: 500 } as const;

export function registerReplicationStatusCommand(replication: Command, env: CliEnvironment): void {
  const cmd = replication
    .command('status')
    .description(
      'per pool node: last contact, applied configuration version, up to date, clock offset, OAuthTokenIssuer thumbprints served',
    )
    .option('--replica-fqdn <fqdn>', 'only this node')
    .action(
      defineAction<StatusOptions>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { store } = await ctx.deployment();
        if (store.dialect === 'sqlite') {
          // A SQLite store is a single-node deployment: the server reads the store itself, nothing replicates.
          const owner = (await store.list('node'))[0]?.key ?? null;
          const headVersion = await store.headVersion();
          printer.result({ mode: 'single-node', store: store.location, owner, headVersion, nodes: [] }, () =>
            formatList({
              Mode: 'single-node (SQLite): the server reads this store directly; nothing replicates',
              Store: store.location,
              Node: owner ?? '(no server has started on this store yet)',
              HeadVersion: headVersion,
            }),
          );
          return;
        }
        const status = await readPoolStatus(store, opts.replicaFqdn?.toLowerCase());
        printer.warnAll(status.warnings);
        printer.result(
          { headVersion: status.headVersion, storeTime: status.storeTime, nodes: status.nodes },
          () =>
            status.nodes.length === 0
              ? `no pool nodes have registered with ${store.location}`
              : [
                  `HeadVersion : ${status.headVersion}`,
                  ...status.nodes.map((n) => formatList(nodeRows(n, status.headVersion))),
                ].join('\n\n'),
        );
      }),
    );
  example(
    cmd,
    's2s replication status',
    's2s --store postgres://s2s@db.contoso.com/s2s replication status --json',
  );
}

/** Reads every node record and how far each is behind, then builds the report (also the console's dashboard). */
export async function readPoolStatus(store: DocumentStore, only: string | undefined) {
  const [docs, head, now] = await Promise.all([store.list('node'), store.headVersion(), store.serverTime()]);
  const observations: NodeObservation[] = await Promise.all(
    docs
      .filter((d) => only === undefined || d.key === only)
      .map(async (d) => {
        const record = parsePoolNode(d.key, d.body);
        return {
          record,
          contactAt: new Date(d.updatedAt),
          pendingChanges: await pendingConfigurationChanges(store, record.appliedVersion, head),
        };
      }),
  );
  return computePoolStatus(observations, head, now);
}

/**
 * Configuration versions committed after `applied`, at least (heartbeats — `node` records — do not count: a node
 * that missed only other nodes' heartbeats is up to date). Null when there are too many to count.
 */
async function pendingConfigurationChanges(
  store: DocumentStore,
  applied: number,
  head: number,
): Promise<number | null> {
  const pending = new Set<number>();
  let after = applied;
  for (let page = 0; page < PENDING_SCAN.pages && after < head; page += 1) {
    const entries = await store.changesSince(after, PENDING_SCAN.pageSize);
    if (entries.length === 0) break;
    // Mailbox data and heartbeats are nothing a node applies (docs/replication.md "What the replica holds").
    for (const e of entries) if (isConfigurationChange(e.kind, e.key)) pending.add(e.version);
    after = entries[entries.length - 1]!.version;
  }
  return after < head && pending.size === 0 ? null : pending.size;
}

/**
 * The applied version, saying what lies between it and the head: a node is up to date when no
 * configuration change is pending even if later versions exist (other nodes' heartbeats).
 */
export function appliedVersionText(
  n: Pick<PoolNodeStatus, 'appliedVersion' | 'upToDate'>,
  head: number,
): string {
  if (n.appliedVersion >= head) return String(n.appliedVersion);
  if (n.upToDate)
    return `${n.appliedVersion} (head ${head}: the later versions are node heartbeats, nothing to apply)`;
  return `${n.appliedVersion} (head ${head})`;
}

function nodeRows(n: PoolNodeStatus, head: number): Record<string, unknown> {
  return {
    Identity: n.fqdn,
    Site: n.site,
    State: n.state,
    LastContact: `${n.lastContact} (${Math.round(n.lastContactAgeMs / 1000)} s ago)`,
    AppliedVersion: appliedVersionText(n, head),
    UpToDate: n.upToDate,
    PendingChanges: n.pendingChanges ?? 'unknown',
    ClockOffset:
      n.clockOffsetMs === null
        ? 'unknown'
        : `${(n.clockOffsetMs / 1000).toFixed(1)} s${n.clockHealthy ? '' : ' (over 60 s)'}`,
    IssuerCurrent: n.issuerThumbprints.current,
    IssuerPrevious: n.issuerThumbprints.previous,
    IssuerStaged: n.issuerThumbprints.staged,
    SoftwareVersion: n.softwareVersion,
    StartedAt: n.startedAt,
  };
}

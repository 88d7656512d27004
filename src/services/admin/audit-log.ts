/**
 * The audit log (docs/admin.md "Audit log"): entries stored as documents of kind `audit` (sealed with a MAC
 * like every security document, replicated like the rest of the configuration), written only by s2s,
 * never edited. Each entry is also emitted as one structured `audit` log line. Pruning deletes whole
 * entries older than an age of at least one day, and is itself an audited operation.
 */
import { randomBytes } from 'node:crypto';
import { adminError, redactForAudit } from '../../core/index.ts';
import type { AuditActor, AuditChange, AuditEntry, AuditOutcome } from '../../core/index.ts';
import type { WriteOperation } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { CapturedChange } from './change-capture.ts';

/** What the caller knows about an entry; the log adds id and time and redacts. */
export interface AuditRecord {
  readonly actor: AuditActor;
  readonly operation: string;
  readonly command: string;
  readonly args: unknown;
  readonly changes?: readonly CapturedChange[];
  readonly changesOmitted?: number;
  readonly outcome: AuditOutcome;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface AuditListOptions {
  /** ISO 8601 date, or an age such as 24h, 7d, 30m. */
  readonly since?: string | undefined;
  /** Only entries by this actor name (exact, case-insensitive). */
  readonly actor?: string | undefined;
  /** At most this many, the newest (default 1000). */
  readonly limit?: number | undefined;
}

/** Every default, declared once with its unit. */
export const AUDIT_DEFAULTS = {
  /** Entries `audit list` returns when no limit is given. */
  listLimit: 1000,
  /** The youngest age `audit prune` accepts, in milliseconds (one day). */
  minimumPruneAgeMs: 24 * 3600 * 1000,
  /** Documents deleted per write batch while pruning. */
  pruneBatch: 500,
} as const;

const DURATION = /^(\d{1,6})\s*(m|h|d)$/i;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO 8601 date or an age (`90d`, `12h`, `30m`) → the instant it names, relative to `now`. */
export function parseInstant(value: string, now: Date): Date {
  const m = DURATION.exec(value.trim());
  if (m) return new Date(now.getTime() - Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!);
  const date = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? new Date(value.trim()) : new Date(NaN);
  if (Number.isNaN(date.getTime()))
    throw adminError(
      'ERR_AUDIT_RANGE',
      `'${value}' is neither an ISO 8601 date nor an age such as 24h or 90d`,
    );
  return date;
}

let sequence = 0;

export class AuditLog {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Appends one entry (redacted), in one batch with `alongside`, and emits its `audit` log line; returns the entry. */
  async append(record: AuditRecord, alongside: readonly WriteOperation[] = []): Promise<AuditEntry> {
    const at = this.#deps.clock.now().toISOString();
    const entry: AuditEntry = {
      // Within one millisecond, this process's entries keep their order; the random part keeps nodes apart.
      id: `${at}/${(sequence++ % 1e6).toString().padStart(6, '0')}${randomBytes(4).toString('hex')}`,
      at,
      actor: record.actor,
      operation: record.operation,
      command: record.command,
      args: redactForAudit(record.args),
      changes: (record.changes ?? []).map((c): AuditChange => ({
        kind: c.kind,
        key: c.key,
        op: c.op,
        before: redactForAudit(c.before),
        after: redactForAudit(c.after),
      })),
      ...(record.changesOmitted ? { changesOmitted: record.changesOmitted } : {}),
      outcome: record.outcome,
      ...(record.error ? { error: record.error } : {}),
    };
    this.#deps.logger.info({ event: 'audit', audit: entry }, 'audit');
    const put: WriteOperation = { op: 'put', kind: 'audit', key: entry.id, body: entry, expect: 'absent' };
    await this.#deps.store.write([put, ...alongside], {
      actor: `audit:${record.actor.name}`,
    });
    return entry;
  }

  /** Entries, oldest first, filtered by time and actor; the newest `limit`. */
  async list(options: AuditListOptions = {}): Promise<AuditEntry[]> {
    const since = options.since ? parseInstant(options.since, this.#deps.clock.now()).toISOString() : '';
    const actor = options.actor?.toLowerCase();
    const limit = Math.max(1, Math.min(options.limit ?? AUDIT_DEFAULTS.listLimit, 100_000));
    const entries = (await this.#deps.store.list<AuditEntry>('audit'))
      .map((d) => d.body)
      .filter((e) => e.at >= since && (actor === undefined || e.actor.name.toLowerCase() === actor));
    return entries.slice(-limit);
  }

  /** Deletes entries older than `olderThan` (at least one day); returns how many and the cut-off. */
  async prune(options: { readonly olderThan: string }): Promise<{ deleted: number; before: string }> {
    const now = this.#deps.clock.now();
    const before = parseInstant(options.olderThan, now);
    if (now.getTime() - before.getTime() < AUDIT_DEFAULTS.minimumPruneAgeMs)
      throw adminError(
        'ERR_AUDIT_RANGE',
        'audit prune keeps at least the last day: use --older-than 1d or more',
      );
    const cut = before.toISOString();
    const old = (await this.#deps.store.list<AuditEntry>('audit')).filter((d) => d.key < cut);
    for (let i = 0; i < old.length; i += AUDIT_DEFAULTS.pruneBatch) {
      const ops: WriteOperation[] = old
        .slice(i, i + AUDIT_DEFAULTS.pruneBatch)
        .map((d) => ({ op: 'delete', kind: 'audit', key: d.key, expect: d.version }));
      await this.#deps.store.write(ops, { actor: 'audit:prune' });
    }
    return { deleted: old.length, before: cut };
  }
}

/**
 * The one door of every administration operation (docs/admin.md "Operations"): it looks the operation up
 * in the table of src/core/admin/admin-operations.ts, checks the caller's role, runs the service method,
 * and audits the outcome — changes with their before and after values, refusals, failures. The local CLI
 * reaches it through {@link auditedServices} (the services with their operations routed here), the
 * administration API calls {@link AdminGateway.invoke} directly.
 */
import { ADMIN_OPERATIONS, S2sError, adminError, adminOperation, roleAllows } from '../../core/index.ts';
import type { AdminOperation, AuditActor } from '../../core/index.ts';
import type { Logger } from '../service-deps.ts';
import type { Services } from '../services.ts';
import type { AuditLog } from './audit-log.ts';
import { captureChanges } from './change-capture.ts';

export class AdminGateway {
  readonly #services: Services;
  readonly #audit: AuditLog;
  readonly #logger: Logger;

  /** `services`: the undecorated services (the gateway calls them; it must not call itself). */
  constructor(services: Services, audit: AuditLog, logger: Logger) {
    this.#services = services;
    this.#audit = audit;
    this.#logger = logger;
  }

  /** Runs operation `id` as `actor` with `args`; throws ERR_ADMIN_FORBIDDEN / ERR_ADMIN_OPERATION_UNKNOWN (both audited). */
  async invoke(actor: AuditActor, id: string, args: readonly unknown[]): Promise<unknown> {
    const operation = adminOperation(id);
    if (!operation) {
      await this.#record(actor, { id, command: '', secretArgs: [] }, args, 'refused', {
        error: adminError('ERR_ADMIN_OPERATION_UNKNOWN', `no administration operation is named '${id}'`),
      });
      throw adminError('ERR_ADMIN_OPERATION_UNKNOWN', `no administration operation is named '${id}'`);
    }
    if (actor.role === null || !roleAllows(actor.role, operation)) {
      const refusal = adminError(
        'ERR_ADMIN_FORBIDDEN',
        `the role ${actor.role ?? '(none)'} may not run ${operation.id} (${operation.command})`,
        { operation: operation.id, role: actor.role },
      );
      await this.#record(actor, operation, args, 'refused', { error: refusal });
      throw refusal;
    }
    const call = this.#method(operation.id);
    const input = operation.id === 'admins.newToken' ? withCreator(args, actor.name) : args;
    if (operation.effect === 'read') return call(...input);
    if (operation.effect === 'action' && actor.via === 'library') return call(...input);
    const outcome = await captureChanges(() => call(...input));
    await this.#record(actor, operation, input, outcome.error === undefined ? 'success' : 'failed', {
      changes: outcome.changes,
      omitted: outcome.omitted,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    });
    if (outcome.error !== undefined)
      throw outcome.error instanceof Error ? outcome.error : new Error('operation failed');
    return outcome.result;
  }

  #method(id: string): (...args: readonly unknown[]) => Promise<unknown> {
    const path = id.split('.');
    let target: unknown = this.#services;
    for (const part of path.slice(0, -1)) target = (target as Record<string, unknown>)[part];
    const owner = target as Record<string, unknown>;
    const fn = owner[path[path.length - 1]!];
    if (typeof fn !== 'function') throw new Error(`operation ${id} has no service method`);
    const method = fn as (...a: unknown[]) => unknown;
    return async (...args) => {
      const result: unknown = await method.apply(owner, [...args]);
      return result;
    };
  }

  async #record(
    actor: AuditActor,
    operation: Pick<AdminOperation, 'id' | 'command' | 'secretArgs'>,
    args: readonly unknown[],
    outcome: 'success' | 'failed' | 'refused',
    extra: {
      changes?: Awaited<ReturnType<typeof captureChanges>>['changes'];
      omitted?: number;
      error?: unknown;
    },
  ): Promise<void> {
    const secret = new Set(operation.secretArgs ?? []);
    const err = extra.error;
    try {
      await this.#audit.append({
        actor,
        operation: operation.id,
        command: operation.command,
        args: args.map((a, i) => (secret.has(i) ? '[redacted]' : a)),
        changes: extra.changes ?? [],
        ...(extra.omitted ? { changesOmitted: extra.omitted } : {}),
        outcome,
        ...(err === undefined
          ? {}
          : {
              error:
                err instanceof S2sError
                  ? { code: err.code, message: err.message }
                  : { code: 'ERR_INTERNAL', message: 'internal error' },
            }),
      });
    } catch (failure) {
      // The change is made; its entry could not be stored. The `audit` log line was already written.
      this.#logger.error(
        { event: 'audit_write_failed', operation: operation.id, code: (failure as { code?: string }).code },
        'the audit entry could not be stored',
      );
    }
  }
}

function withCreator(args: readonly unknown[], creator: string): unknown[] {
  const [first, ...rest] = args;
  return [{ ...(typeof first === 'object' && first !== null ? first : {}), createdBy: creator }, ...rest];
}

/**
 * `services` with every operation of the table routed through `gateway` as `actor` (the local CLI and
 * library callers); every other member is the service's own. Methods run with the real service as `this`.
 */
export function auditedServices(
  services: Services,
  gateway: AdminGateway,
  actor: () => AuditActor,
): Services {
  return wrap(services, '', gateway, actor) as Services;
}

function wrap(target: object, prefix: string, gateway: AdminGateway, actor: () => AuditActor): object {
  // What a member became, made once per member and value: a request's path reads services through
  // this proxy many times, and a new bound function per read was measurable (docs/server.md "Performance").
  const made = new Map<string, { readonly value: unknown; readonly member: unknown }>();
  const member = (obj: object, id: string, value: unknown): unknown => {
    if (typeof value === 'function') {
      if (adminOperation(id)) return (...args: unknown[]) => gateway.invoke(actor(), id, args);
      return (value as (...a: unknown[]) => unknown).bind(obj);
    }
    if (typeof value === 'object' && value !== null && HAS_NESTED.has(id))
      return wrap(value, `${id}.`, gateway, actor);
    return value;
  };
  return new Proxy(target, {
    get(obj, prop) {
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof prop !== 'string') return value;
      if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) return value;
      const known = made.get(prop);
      if (known !== undefined && known.value === value) return known.member;
      const result = member(obj, prefix + prop, value);
      made.set(prop, { value, member: result });
      return result;
    },
  });
}

/** Every proper prefix of an operation id (`ca`, `ca.authority`, …): the objects to wrap. */
const HAS_NESTED: ReadonlySet<string> = new Set(
  ADMIN_OPERATIONS.flatMap((o) => {
    const parts = o.id.split('.');
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
  }),
);

/**
 * Automatic certificate renewal (docs/renewal.md): renewal policies per usage, the renewal pass a server
 * runs on a schedule, and the status that `certificate get`, /metrics and /readyz show.
 *
 * A pass decides per assignment with the pure {@link decideRenewal} and carries out its action:
 * - renew: claim the renewal with a lease in the central store (an optimistic write: of several pool nodes
 *   exactly one wins), get the successor from the policy's source, then stage it in ONE batch with the
 *   certificate record and the released lease — a node that dies in between leaves nothing staged, and
 *   its lease expires for another node to take over; a node whose lease was taken over fails its batch
 *   (the lease document's version moved), so there is never a second successor;
 * - retire-previous: drop the previous certificate once no token it signed can still be valid;
 * - warn-manual: only a log line.
 * The switch itself needs no action: every reader resolves the staged roll against its own clock.
 */
import {
  certificateError,
  CERTIFICATE_USAGES,
  checkRenewalTimes,
  decideRenewal,
  describeCertificate,
  emptyRenewalState,
  hasCode,
  OAUTH_DEFAULTS,
  parseRenewalSource,
  RENEWAL_DEFAULTS,
  removeAssignment,
  renewalPasswordAad,
  renewalSourceText,
  renewalUsage,
  resolveAssignment,
  retryDelaySeconds,
  S2sError,
  stageRoll,
  successorEffectiveDate,
} from '../../core/index.ts';
import type {
  CertificateAssignment,
  CertificateDates,
  CertificateRecord,
  CertificateUsage,
  RenewalPolicy,
  RenewalState,
  Warning,
} from '../../core/index.ts';
import { x509 } from '../../ca/index.ts';
import type { StoredDocument, WriteOperation } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { RenewalDocuments } from './renewal-documents.ts';
import { renewalFailpoint } from './renewal-failpoint.ts';
import { requestSuccessor } from './renewal-successor.ts';
import { RenewalAlerts } from './renewal-alerts.ts';
import { policyView } from './renewal-views.ts';
import type {
  PartnerExpiry,
  RenewalOutcome,
  RenewalPolicyInput,
  RenewalPolicyView,
  RenewalStatus,
} from './renewal-views.ts';

export type {
  PartnerExpiry,
  RenewalOutcome,
  RenewalPolicyInput,
  RenewalPolicyView,
  RenewalStatus,
} from './renewal-views.ts';

const DAY_MS = 86_400_000;

export class RenewalService {
  protected readonly deps: ServiceDeps;
  readonly #documents: RenewalDocuments;
  readonly #alerts: RenewalAlerts;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.#documents = new RenewalDocuments(deps.store);
    this.#alerts = new RenewalAlerts(deps.logger, deps.clock);
  }

  /** `certificate policy set`: stores the policy of a usage (replacing any). */
  async setPolicy(input: RenewalPolicyInput): Promise<{ policy: RenewalPolicyView; warnings: Warning[] }> {
    const usage = renewalUsage(input.usage);
    const source = parseRenewalSource(input.ca);
    const existing = await this.#documents.policy(usage);
    const renewBeforeSeconds =
      input.renewBeforeSeconds ?? existing?.body.renewBeforeSeconds ?? RENEWAL_DEFAULTS.renewBeforeSeconds;
    const rollLeadSeconds =
      input.rollLeadSeconds ?? existing?.body.rollLeadSeconds ?? RENEWAL_DEFAULTS.rollLeadSeconds;
    checkRenewalTimes(renewBeforeSeconds, rollLeadSeconds);
    const policy: RenewalPolicy = {
      usage,
      renewBeforeSeconds,
      rollLeadSeconds,
      source,
      ...(input.template ? { template: input.template } : {}),
      ...(input.caAccount ? { caAccount: input.caAccount } : {}),
      ...(input.caPassword
        ? {
            caPassword: this.deps
              .secretBox()
              .seal(Buffer.from(input.caPassword, 'utf8'), renewalPasswordAad(usage)),
          }
        : existing?.body.caPassword && existing.body.caAccount === input.caAccount
          ? { caPassword: existing.body.caPassword } // the same account keeps its stored password
          : {}),
      ...(input.acmeEmail ? { acmeEmail: input.acmeEmail } : {}),
      updatedAt: this.deps.clock.now().toISOString(),
    };
    await this.deps.store.write(
      [
        {
          op: 'put',
          kind: 'renewal-policy',
          key: usage,
          body: policy,
          expect: existing ? existing.version : 'absent',
        },
      ],
      this.#context(),
    );
    const warnings: Warning[] = [];
    if (rollLeadSeconds < 24 * 3600)
      warnings.push({
        code: 'WARN_CERTIFICATE_EFFECTIVE_DATE_SOON',
        message: `renewed ${usage} certificates will be staged only ${rollLeadSeconds} s before they sign; partners cache metadata for up to 24 h`,
        details: { usage, rollLeadSeconds },
      });
    return { policy: policyView(policy), warnings };
  }

  /** `certificate policy get`: every policy, or one usage's (an empty list when it has none). */
  async getPolicies(usage?: string): Promise<RenewalPolicyView[]> {
    const wanted = usage === undefined ? undefined : renewalUsage(usage);
    return (await this.#documents.policies())
      .filter((d) => wanted === undefined || d.key === wanted)
      .map((d) => policyView(d.body));
  }

  /** Renewal status of every assignment of a signing or TLS usage, at the clock's now. */
  async status(): Promise<RenewalStatus[]> {
    const now = this.deps.clock.now();
    const tokenValiditySeconds = await this.#tokenValiditySeconds();
    const policies = new Map((await this.#documents.policies()).map((d) => [d.key, d.body]));
    const out: RenewalStatus[] = [];
    for (const doc of await this.#assignments()) {
      const a = resolveAssignment(doc.body, now);
      const usage = a.usage as CertificateUsage;
      const current = a.current ? await this.#dates(a.current) : null;
      const previous = a.previous ? await this.#dates(a.previous) : null;
      const state = (await this.#documents.state(doc.key))?.body ?? null;
      const policy = policies.get(usage) ?? null;
      const decision = decideRenewal({
        policy,
        assignment: a,
        current,
        state,
        tokenValiditySeconds,
        node: this.deps.nodeName,
        now,
      });
      out.push({
        usage,
        identity: a.identity,
        thumbprint: a.current,
        notAfter: current?.notAfter.toISOString() ?? null,
        daysToExpiry: current ? (current.notAfter.getTime() - now.getTime()) / DAY_MS : null,
        stagedThumbprint: a.staged?.thumbprint ?? null,
        stagedEffectiveDate: a.staged?.effectiveDate ?? null,
        previousThumbprint: a.previous,
        previousNotAfter: previous?.notAfter.toISOString() ?? null,
        renewalSource: policy ? renewalSourceText(policy.source) : null,
        renewAt: decision.renewAt?.toISOString() ?? null,
        nextAction: decision.next.kind,
        nextActionDate: decision.next.at?.toISOString() ?? null,
        failures: state?.failures ?? 0,
        lastError: state?.lastError ?? null,
        lastStaged: state?.lastStaged ?? null,
      });
    }
    return out;
  }

  /** Partners whose newest published signing certificate expires within the alert window. */
  async partnerExpiries(): Promise<PartnerExpiry[]> {
    const now = this.deps.clock.now().getTime();
    const out: PartnerExpiry[] = [];
    for (const p of await this.#documents.partners()) {
      if (!p.enabled || p.keys.length === 0) continue;
      let newest: { thumbprint: string; notAfter: Date } | undefined;
      for (const k of p.keys) {
        try {
          const notAfter = new x509.X509Certificate(Buffer.from(k.certificate, 'base64')).notAfter;
          if (!newest || notAfter > newest.notAfter) newest = { thumbprint: k.thumbprint, notAfter };
        } catch {
          // an unreadable key is the partner validator's concern, not an expiry
        }
      }
      if (!newest) continue;
      const days = (newest.notAfter.getTime() - now) / DAY_MS;
      if (days < RENEWAL_DEFAULTS.partnerAlertDays)
        out.push({
          partner: p.identity,
          thumbprint: newest.thumbprint,
          notAfter: newest.notAfter.toISOString(),
          daysToExpiry: days,
        });
    }
    return out;
  }

  /** One renewal pass over every assignment (the server runs it on a schedule). Never throws for one assignment's failure. */
  async runOnce(): Promise<RenewalOutcome[]> {
    const policies = new Map((await this.#documents.policies()).map((d) => [d.key, d.body]));
    const outcomes: RenewalOutcome[] = [];
    this.#alerts.partners(await this.partnerExpiries().catch(() => []));
    if (policies.size === 0) return outcomes;
    const tokenValiditySeconds = await this.#tokenValiditySeconds();
    for (const doc of await this.#assignments()) {
      const policy = policies.get(doc.body.usage);
      if (!policy) continue;
      const outcome = await this.#runOne(doc, policy, tokenValiditySeconds).catch(
        (err: unknown): RenewalOutcome => ({
          usage: policy.usage,
          identity: doc.body.identity,
          result: 'failed',
          error: errorSummary(err),
        }),
      );
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  async #runOne(
    doc: StoredDocument<CertificateAssignment>,
    policy: RenewalPolicy,
    tokenValiditySeconds: number,
  ): Promise<RenewalOutcome | undefined> {
    const now = this.deps.clock.now();
    const a = resolveAssignment(doc.body, now);
    const record = a.current ? (await this.#documents.record(a.current))?.body : undefined;
    const current = record ? datesOf(record) : null;
    const stateDoc = await this.#documents.state(doc.key);
    const decision = decideRenewal({
      policy,
      assignment: a,
      current,
      state: stateDoc?.body ?? null,
      tokenValiditySeconds,
      node: this.deps.nodeName,
      now,
    });
    this.#alerts.certificate(a, current, decision, policy);
    const base = { usage: policy.usage, identity: a.identity };
    switch (decision.action.kind) {
      case 'wait':
        return undefined;
      case 'warn-manual':
        return { ...base, result: 'warned-manual' };
      case 'retire-previous':
        return this.#retirePrevious(doc, now, base);
      case 'renew':
        if (!record || !current) return undefined;
        return this.#renew({ doc, record, current, policy, stateDoc, base });
    }
  }

  async #retirePrevious(
    doc: StoredDocument<CertificateAssignment>,
    now: Date,
    base: { usage: CertificateUsage; identity: string },
  ): Promise<RenewalOutcome> {
    const next = removeAssignment(doc.body, true, now);
    const previous = resolveAssignment(doc.body, now).previous;
    try {
      await this.deps.store.write(
        [{ op: 'put', kind: 'assignment', key: doc.key, body: next, expect: doc.version }],
        this.#context(),
      );
    } catch (err) {
      if (hasCode(err, 'ERR_STORE_CONFLICT')) return { ...base, result: 'skipped' };
      throw err;
    }
    this.deps.logger.info(
      { event: 'certificate_previous_retired', ...base, thumbprint: previous },
      'previous certificate retired: no token it signed can still be valid',
    );
    return { ...base, result: 'retired-previous', ...(previous ? { thumbprint: previous } : {}) };
  }

  async #renew(input: {
    doc: StoredDocument<CertificateAssignment>;
    record: CertificateRecord;
    current: CertificateDates;
    policy: RenewalPolicy;
    stateDoc: StoredDocument<RenewalState> | undefined;
    base: { usage: CertificateUsage; identity: string };
  }): Promise<RenewalOutcome> {
    const { doc, record, current, policy, stateDoc, base } = input;
    const start = this.deps.clock.now();
    const before = stateDoc?.body ?? emptyRenewalState(base.identity, base.usage);
    const claimed: RenewalState = {
      ...before,
      lastAttemptAt: start.toISOString(),
      lease: {
        node: this.deps.nodeName,
        until: new Date(start.getTime() + RENEWAL_DEFAULTS.leaseSeconds * 1000).toISOString(),
      },
    };
    let claimVersion: number;
    try {
      claimVersion = (
        await this.deps.store.write(
          [
            {
              op: 'put',
              kind: 'renewal',
              key: doc.key,
              body: claimed,
              expect: stateDoc ? stateDoc.version : 'absent',
            },
          ],
          this.#context(),
        )
      ).version;
    } catch (err) {
      // Another node claimed it first (or changed its state): it renews; this node does nothing.
      if (hasCode(err, 'ERR_STORE_CONFLICT')) return { ...base, result: 'skipped' };
      throw err;
    }
    renewalFailpoint('renewal.after-claim');
    this.deps.logger.info(
      {
        event: 'certificate_renewal_started',
        ...base,
        thumbprint: record.thumbprint,
        ca: renewalSourceText(policy.source),
      },
      'certificate renewal started',
    );
    try {
      const planned = successorEffectiveDate(policy, current, start);
      const successor = await requestSuccessor(this.deps, {
        usage: base.usage,
        identity: base.identity,
        current: record,
        policy,
        effectiveDate: planned.effectiveDate,
      });
      renewalFailpoint('renewal.after-issue');
      // The lead counts from the moment the successor is staged (and published), not from the request.
      const stagedAt = this.deps.clock.now();
      const timing = successorEffectiveDate(policy, current, stagedAt);
      const effectiveDate = new Date(
        Math.max(timing.effectiveDate.getTime(), successor.info.notBefore.getTime()),
      );
      const { assignment } = stageRoll(doc.body, successor.leaf.thumbprint, effectiveDate, stagedAt);
      const pkcs8 = successor.privateKey.export({ format: 'der', type: 'pkcs8' });
      const newRecord: CertificateRecord = {
        thumbprint: successor.leaf.thumbprint,
        certificate: successor.leaf.der.toString('base64'),
        chain: successor.chain.map((c) => c.der.toString('base64')),
        privateKey: this.deps.secretBox().seal(pkcs8, successor.leaf.thumbprint),
        exportable: record.exportable,
        friendlyName: `${base.usage} renewed ${stagedAt.toISOString().slice(0, 10)}`,
        source: 'request',
        addedAt: stagedAt.toISOString(),
      };
      pkcs8.fill(0);
      const done: RenewalState = {
        ...claimed,
        failures: 0,
        lastSuccessAt: stagedAt.toISOString(),
        lastError: null,
        retryAt: null,
        lease: null,
        lastStaged: {
          thumbprint: newRecord.thumbprint,
          stagedAt: stagedAt.toISOString(),
          effectiveDate: effectiveDate.toISOString(),
        },
      };
      const ops: WriteOperation[] = [
        { op: 'put', kind: 'certificate', key: newRecord.thumbprint, body: newRecord, expect: 'absent' },
        { op: 'put', kind: 'assignment', key: doc.key, body: assignment, expect: doc.version },
        { op: 'put', kind: 'renewal', key: doc.key, body: done, expect: claimVersion },
      ];
      await this.deps.store.write(ops, this.#context());
      const leadShortened = effectiveDate.getTime() - stagedAt.getTime() < policy.rollLeadSeconds * 1000;
      const fields = {
        ...base,
        thumbprint: newRecord.thumbprint,
        previousThumbprint: record.thumbprint,
        notAfter: successor.info.notAfter.toISOString(),
        effectiveDate: effectiveDate.toISOString(),
      };
      if (leadShortened)
        this.deps.logger.warn(
          {
            event: 'certificate_renewal_lead_shortened',
            code: 'WARN_CERTIFICATE_ROLL_LEAD_SHORTENED',
            ...fields,
          },
          'renewed certificate staged with less than the roll lead time',
        );
      this.deps.logger.info(
        { event: 'certificate_renewed', ...fields },
        'certificate renewed: successor staged and published',
      );
      return {
        ...base,
        result: 'staged',
        thumbprint: newRecord.thumbprint,
        effectiveDate: effectiveDate.toISOString(),
      };
    } catch (err) {
      return this.#failed(doc.key, claimed, claimVersion, err, base);
    }
  }

  async #failed(
    key: string,
    claimed: RenewalState,
    claimVersion: number,
    err: unknown,
    base: { usage: CertificateUsage; identity: string },
  ): Promise<RenewalOutcome> {
    const summary = errorSummary(err);
    if (summary.code === 'ERR_STORE_CONFLICT') {
      // The assignment changed meanwhile (an administrator, or a node that took over an expired lease):
      // nothing of this attempt was written; release the lease if it is still ours.
      await this.deps.store
        .write([{ op: 'put', kind: 'renewal', key, body: { ...claimed, lease: null }, expect: claimVersion }])
        .catch(() => undefined);
      return { ...base, result: 'skipped' };
    }
    const now = this.deps.clock.now();
    const failures = claimed.failures + 1;
    const retryAt = new Date(now.getTime() + retryDelaySeconds(failures) * 1000);
    const next: RenewalState = {
      ...claimed,
      failures,
      lastError: { ...summary, at: now.toISOString() },
      retryAt: retryAt.toISOString(),
      lease: null,
    };
    await this.deps.store
      .write([{ op: 'put', kind: 'renewal', key, body: next, expect: claimVersion }], this.#context())
      .catch(() => undefined);
    this.deps.logger.error(
      {
        event: 'certificate_renewal_failed',
        ...base,
        code: summary.code,
        error: summary.message,
        failures,
        retryAt: retryAt.toISOString(),
      },
      'certificate renewal failed; the current certificate stays in place and the renewal is retried',
    );
    return { ...base, result: 'failed', error: summary };
  }

  async #assignments(): Promise<StoredDocument<CertificateAssignment>[]> {
    const usages = new Set<string>(CERTIFICATE_USAGES);
    return (await this.#documents.assignments()).filter((d) => usages.has(d.body.usage));
  }

  async #dates(thumbprint: string): Promise<CertificateDates | null> {
    const record = (await this.#documents.record(thumbprint))?.body;
    return record ? datesOf(record) : null;
  }

  /** The longest a token we signed stays acceptable: the actor token lifetime plus the clock skew. */
  async #tokenValiditySeconds(): Promise<number> {
    const c = (await this.deps.ports.oauth.find())?.body;
    return (
      Math.max(
        c?.actorTokenLifetimeSeconds ?? OAUTH_DEFAULTS.actorTokenLifetimeSeconds,
        c?.outerTokenLifetimeSeconds ?? OAUTH_DEFAULTS.outerTokenLifetimeSeconds,
      ) + (c?.clockSkewSeconds ?? OAUTH_DEFAULTS.clockSkewSeconds)
    );
  }

  #context() {
    return { actor: `node:${this.deps.nodeName}` };
  }
}

function datesOf(record: CertificateRecord): CertificateDates {
  const info = describeCertificate(Buffer.from(record.certificate, 'base64'));
  return { thumbprint: record.thumbprint, notBefore: info.notBefore, notAfter: info.notAfter };
}

function errorSummary(err: unknown): { code: string; message: string } {
  if (err instanceof S2sError) return { code: err.code, message: err.message };
  const failed = certificateError(
    'ERR_CERTIFICATE_RENEWAL_FAILED',
    `renewal failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
  );
  return { code: failed.code, message: failed.message };
}

/**
 * Prometheus metrics of a front-end server (docs/server.md), on a registry of its own (two servers in one
 * process — as in the end-to-end tests — must not share counters). Gauges that describe stored state
 * (partner metadata age, certificate expiry) are computed at scrape time from the services.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { LatencyHistogram } from './latency-histogram.ts';
import type { CertificateUsage, Clock, ValidationOutcome } from '../core/index.ts';
import type { Services } from '../services/index.ts';
import { integrityViolations } from './integrity-violations.ts';

/** A worker of `s2s server start --workers N` (docs/server.md "Workers"). */
export interface WorkerIdentity {
  /** Its slot, 1…N (a replaced worker takes the slot of the one it replaces). */
  readonly id: number;
  readonly pid: number;
}

/** Refused tokens of one code (the console's dashboard). */
export interface RefusalTally {
  code: string;
  diagnostic: string;
  count: number;
  last: string;
}

export class ServerMetrics {
  readonly registry = new Registry();
  /** Bounded by the number of codes × diagnostic codes: both are fixed catalogues. */
  readonly #refusalTally = new Map<string, RefusalTally>();
  readonly #issued: Counter<'partner'>;
  readonly #validated: Counter<'result'>;
  readonly #refused: Counter<'code' | 'diagnostic'>;
  readonly #latency: LatencyHistogram;
  readonly #pendingAccepted = { count: 0 };
  readonly #rejected: { inc(): void };
  readonly #nodeName: string;
  #worker: WorkerIdentity | undefined;
  #gather: (() => Promise<string>) | undefined;

  constructor(services: Services, clock: Clock, nodeName: string) {
    const registers = [this.registry];
    this.#nodeName = nodeName;
    this.registry.setDefaultLabels({ node: nodeName });
    collectDefaultMetrics({ register: this.registry, prefix: 's2s_process_' });
    this.#issued = new Counter({
      name: 's2s_tokens_issued_total',
      help: 'S2S tokens issued by this server, by target partner',
      labelNames: ['partner'],
      registers,
    });
    // Accepted tokens are counted on every authenticated request: a plain number, added to the counter
    // when it is collected (a prom-client `inc` hashes its labels each time; docs/server.md "Performance").
    const pending = this.#pendingAccepted;
    this.#validated = new Counter({
      name: 's2s_tokens_validated_total',
      help: 'Incoming S2S tokens validated, by result (accepted|refused)',
      labelNames: ['result'],
      registers,
      collect() {
        if (pending.count > 0) this.inc({ result: 'accepted' }, pending.count);
        pending.count = 0;
      },
    });
    this.#refused = new Counter({
      name: 's2s_tokens_refused_total',
      help: 'Incoming S2S tokens refused, by s2s code and Exchange diagnostic code',
      labelNames: ['code', 'diagnostic'],
      registers,
    });
    this.#latency = new LatencyHistogram({
      name: 's2s_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.#rejected = this.#validated.labels({ result: 'refused' });
    new Gauge({
      name: 's2s_store_integrity_violations',
      help: 'Stored documents refused since the process started because their integrity MAC failed or was missing (an alert: docs/store.md "Integrity"), by kind',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const [kind, count] of integrityViolations.counts()) this.set({ kind }, count);
      },
    });
    partnerGauges(services, clock, registers);
    certificateGauge(services, clock, registers);
  }

  /** The worker this server is, when it is one (`s2s server start --workers N`). */
  get worker(): WorkerIdentity | undefined {
    return this.#worker;
  }

  /**
   * Makes this server one worker of several: every series gets the label `worker="<id>"`, and
   * {@link exposition} answers with the series of all workers, which `gather` collects (docs/server.md
   * "Workers": a scrape reaches one worker, and must see them all).
   */
  joinWorkers(worker: WorkerIdentity, gather: () => Promise<string>): void {
    this.#worker = worker;
    this.#gather = gather;
    this.registry.setDefaultLabels({ node: this.#nodeName, worker: String(worker.id) });
  }

  /** What /metrics answers: this process's series, or with workers, every worker's. */
  exposition(): Promise<string> {
    return this.#gather ? this.#gather() : this.registry.metrics();
  }

  /** Counts an authentication outcome (wired to the HTTP app's onAuthResult). */
  readonly onAuthResult = (outcome: ValidationOutcome): void => {
    if (outcome.ok) this.#pendingAccepted.count += 1;
    else this.#rejected.inc();
    if (!outcome.ok) {
      const diagnostic = String(outcome.refusal.diagnostic.code);
      this.#refused.inc({ code: outcome.refusal.code, diagnostic });
      const key = `${outcome.refusal.code} ${diagnostic}`;
      const seen = this.#refusalTally.get(key);
      const last = new Date().toISOString();
      if (seen) {
        seen.count += 1;
        seen.last = last;
      } else this.#refusalTally.set(key, { code: outcome.refusal.code, diagnostic, count: 1, last });
    }
  };

  /** Refusals since this process started, by s2s code and diagnostic code, most recent first (the console). */
  refusals(): RefusalTally[] {
    return [...this.#refusalTally.values()]
      .map((r) => ({ ...r }))
      .sort((a, b) => b.last.localeCompare(a.last));
  }

  /** Counts a token issued to a partner. */
  recordIssued(partner: string): void {
    this.#issued.inc({ partner });
  }

  /** Records one request's latency. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.#latency.observe(method, route, statusCode, seconds);
  }
}

function partnerGauges(services: Services, clock: Clock, registers: Registry[]): void {
  const age = new Gauge({
    name: 's2s_partner_metadata_age_seconds',
    help: 'Seconds since the partner metadata was last fetched successfully',
    labelNames: ['partner'],
    registers,
  });
  new Gauge({
    name: 's2s_partner_metadata_refresh_ok',
    help: '1 when the last metadata refresh of the partner succeeded, 0 when it failed',
    labelNames: ['partner'],
    registers,
    async collect() {
      this.reset();
      age.reset();
      for (const v of await services.partners.list().catch(() => [])) {
        const p = v.partner;
        if (p.source !== 'metadata') continue;
        this.set({ partner: p.identity }, p.refresh.lastError ? 0 : 1);
        if (p.refresh.lastSuccessAt)
          age.set(
            { partner: p.identity },
            (clock.now().getTime() - Date.parse(p.refresh.lastSuccessAt)) / 1000,
          );
      }
    },
  });
}

function certificateGauge(services: Services, clock: Clock, registers: Registry[]): void {
  const certs = services.certificates;
  // Each gauge reads the renewal status in its own collect: prom-client collects in registration order.
  const renewalStatus = () => services.renewal.status().catch(() => []);
  new Gauge({
    name: 's2s_certificate_renewal_failures',
    help: 'Consecutive failed automatic renewals of the certificate of a usage (0 after a success; docs/renewal.md)',
    labelNames: ['usage', 'identity'],
    registers,
    async collect() {
      this.reset();
      for (const s of await renewalStatus())
        if (s.renewalSource !== null) this.set({ usage: s.usage, identity: s.identity }, s.failures);
    },
  });
  new Gauge({
    name: 's2s_certificate_next_action_timestamp_seconds',
    help: 'When the next renewal action of a usage is due (action: renew|renew-manually|retry|in-progress|switch|retire-previous), Unix seconds',
    labelNames: ['usage', 'identity', 'action'],
    registers,
    async collect() {
      this.reset();
      for (const s of await renewalStatus())
        if (s.renewalSource !== null && s.nextActionDate)
          this.set(
            { usage: s.usage, identity: s.identity, action: s.nextAction },
            Date.parse(s.nextActionDate) / 1000,
          );
    },
  });
  new Gauge({
    name: 's2s_certificate_days_to_expiry',
    help: 'Days until the certificate expires, by usage, scope and slot (current|previous|staged)',
    labelNames: ['usage', 'identity', 'slot', 'thumbprint'],
    registers,
    async collect() {
      this.reset();
      const statuses = await renewalStatus();
      const scopes = new Map<string, { usage: CertificateUsage; identity: string }>(
        (['OAuthTokenIssuer', 'WebServicesInternal', 'Default'] as const).map((usage) => [
          `global/${usage}`,
          { usage, identity: 'global' },
        ]),
      );
      for (const s of statuses) {
        scopes.set(`${s.identity}/${s.usage}`, { usage: s.usage, identity: s.identity });
      }
      for (const { usage, identity } of scopes.values()) {
        const m = await certs.signingMaterial(usage, identity).catch(() => null);
        for (const slot of ['current', 'previous', 'staged'] as const) {
          const e = m?.[slot];
          if (e)
            this.set(
              { usage, identity, slot, thumbprint: e.thumbprint },
              (e.notAfter.getTime() - clock.now().getTime()) / 86_400_000,
            );
        }
      }
    },
  });
  new Gauge({
    name: 's2s_partner_certificate_days_to_expiry',
    help: 'Days until the newest signing certificate a partner publishes expires (only partners within the 30-day alert window; docs/renewal.md)',
    labelNames: ['partner', 'thumbprint'],
    registers,
    async collect() {
      this.reset();
      for (const p of await services.renewal.partnerExpiries().catch(() => []))
        this.set({ partner: p.partner, thumbprint: p.thumbprint }, p.daysToExpiry);
    },
  });
}

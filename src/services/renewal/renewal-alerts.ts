/**
 * The log lines of docs/renewal.md "Alerts": one line per threshold (30, 14, 7, 3, 1 days to expiry) crossed
 * by a certificate with no successor staged, and by a partner whose newest published certificate lapses.
 * Remembered per process, so a threshold is logged once, not at every pass.
 */
import { alertThreshold } from '../../core/index.ts';
import type {
  CertificateAssignment,
  CertificateDates,
  Clock,
  RenewalDecision,
  RenewalPolicy,
} from '../../core/index.ts';
import type { Logger } from '../service-deps.ts';
import type { PartnerExpiry } from './renewal-views.ts';

const DAY_MS = 86_400_000;

export class RenewalAlerts {
  readonly #logger: Logger;
  readonly #clock: Clock;
  /** The alert threshold last logged per certificate. */
  readonly #logged = new Map<string, number>();

  constructor(logger: Logger, clock: Clock) {
    this.#logger = logger;
    this.#clock = clock;
  }

  /** One log line per alert threshold crossed while no successor is staged (docs/renewal.md "Alerts"). */
  certificate(
    a: CertificateAssignment,
    current: CertificateDates | null,
    decision: RenewalDecision,
    policy: RenewalPolicy,
  ): void {
    if (!current || a.staged) return;
    const days = (current.notAfter.getTime() - this.#clock.now().getTime()) / DAY_MS;
    const threshold = alertThreshold(days);
    const memo = `${a.identity}/${a.usage}/${current.thumbprint}`;
    if (threshold === null || this.#logged.get(memo) === threshold) return;
    this.#logged.set(memo, threshold);
    const fields = {
      event: 'certificate_expiry_alert',
      code:
        policy.source.kind === 'manual' ? 'WARN_CERTIFICATE_RENEWAL_MANUAL' : 'WARN_CERTIFICATE_EXPIRES_SOON',
      usage: a.usage,
      identity: a.identity,
      thumbprint: current.thumbprint,
      notAfter: current.notAfter.toISOString(),
      thresholdDays: threshold,
      daysToExpiry: Math.floor(days),
      nextAction: decision.next.kind,
    };
    const message = `the ${a.usage} certificate expires within ${threshold} day(s) and no successor is staged`;
    if (threshold <= 7) this.#logger.error(fields, message);
    else this.#logger.warn(fields, message);
  }

  partners(expiries: readonly PartnerExpiry[]): void {
    for (const e of expiries) {
      const threshold = alertThreshold(e.daysToExpiry);
      const memo = `partner/${e.partner}/${e.thumbprint}`;
      if (threshold === null || this.#logged.get(memo) === threshold) continue;
      this.#logged.set(memo, threshold);
      this.#logger.warn(
        {
          event: 'partner_certificate_expiry_alert',
          code: 'WARN_PARTNER_CERTIFICATE_EXPIRES_SOON',
          partner: e.partner,
          thumbprint: e.thumbprint,
          notAfter: e.notAfter,
          thresholdDays: threshold,
        },
        `every signing certificate partner ${e.partner} publishes expires within ${threshold} day(s)`,
      );
    }
  }
}

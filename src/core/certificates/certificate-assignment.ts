/**
 * Which certificate serves a usage at a scope: current, previous and a staged roll, as data
 * (docs/architecture.md, convention 7; docs/protocol.md §5.4 and §7). Document kind `assignment`, key `${identity}/${usage}`.
 */
import type { AnyUsage, CertificateIdentity } from './certificate-usage.ts';

export interface StagedRoll {
  readonly thumbprint: string;
  /** ISO 8601 instant from which the staged certificate is current. */
  readonly effectiveDate: string;
}

export interface CertificateAssignment {
  readonly usage: AnyUsage;
  readonly identity: CertificateIdentity;
  /** Thumbprint of the current certificate, or null when only a staged roll exists. */
  readonly current: string | null;
  /** ISO 8601 instant the current certificate became current. */
  readonly currentSince: string | null;
  readonly previous: string | null;
  readonly staged: StagedRoll | null;
}

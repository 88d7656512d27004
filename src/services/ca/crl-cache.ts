/**
 * The signed CRL kept between requests (docs/ca.md "Issuance log, revocation, CRL"): `GET /ca/crl` is
 * unauthenticated, so it must not cost an RSA signature per request. The copy is signed again only when
 * the issuer or the revoked entries change, or when it is within {@link CRL_CACHE.resignBeforeNextUpdateMs}
 * of its nextUpdate; concurrent requests share one signing.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/index.ts';

export const CRL_CACHE = {
  /** Sign a fresh copy once the cached one is this close to its nextUpdate, ms (1 day). */
  resignBeforeNextUpdateMs: 24 * 3600_000,
} as const;

/** One revoked certificate as the CRL lists it. */
export interface CrlEntryFacts {
  readonly serialNumber: string;
  readonly revokedAt: Date;
  readonly reason: number;
}

interface Cached {
  readonly fingerprint: string;
  readonly signedAt: number;
  readonly der: Promise<Buffer>;
}

export class CrlCache {
  readonly #clock: Clock;
  readonly #validityMs: number;
  #cached: Cached | undefined;

  /** `validityMs`: nextUpdate − thisUpdate of the CRLs `sign` makes. */
  constructor(clock: Clock, validityMs: number) {
    this.#clock = clock;
    this.#validityMs = validityMs;
  }

  /** The cached CRL for these entries, or the one `sign(now)` makes (and caches). */
  get(
    issuer: string,
    entries: readonly CrlEntryFacts[],
    sign: (now: Date) => Promise<Buffer>,
  ): Promise<Buffer> {
    const now = this.#clock.now();
    const fingerprint = fingerprintOf(issuer, entries);
    const cached = this.#cached;
    const fresh =
      cached !== undefined &&
      cached.fingerprint === fingerprint &&
      now.getTime() >= cached.signedAt &&
      now.getTime() < cached.signedAt + this.#validityMs - CRL_CACHE.resignBeforeNextUpdateMs;
    if (fresh) return cached.der;
    const der = sign(now);
    const entry: Cached = { fingerprint, signedAt: now.getTime(), der };
    this.#cached = entry;
    // A failed signing is not cached: the next request tries again.
    der.catch(() => {
      if (this.#cached === entry) this.#cached = undefined;
    });
    return der;
  }
}

function fingerprintOf(issuer: string, entries: readonly CrlEntryFacts[]): string {
  const lines = entries.map((e) => `${e.serialNumber}|${e.revokedAt.toISOString()}|${e.reason}`).sort();
  return createHash('sha256')
    .update([issuer, ...lines].join('\n'))
    .digest('hex');
}

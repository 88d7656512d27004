/**
 * Bounds the password work of `POST /ca/enroll` (docs/ca.md "Enrollment limits"; docs/security.md §6.3):
 * a token bucket per client address and one for the whole node, charged before the password KDF runs,
 * and a per-account lockout after consecutive wrong passwords that ends by itself. State is in memory,
 * per node; every decision is a function of the injected clock.
 */
import type { Clock } from '../../core/index.ts';
import { caError } from '../../core/ca/ca-errors.ts';

/** The thresholds, each with its unit (docs/ca.md "Enrollment limits"). */
export const ENROLLMENT_LIMITS = {
  /** Password checks one client address may start in a burst. */
  perClientBurst: 10,
  /** …refilled at one per this many ms (10 per minute). */
  perClientRefillMs: 6_000,
  /** Password checks the whole node may start in a burst (scrypt N=2^15 costs ~50 ms of CPU each). */
  nodeBurst: 20,
  /** …refilled at one per this many ms (5 per second). */
  nodeRefillMs: 200,
  /** Consecutive wrong passwords that lock an account name. */
  lockoutFailures: 5,
  /** How long a lockout lasts, ms (15 minutes); the account works again afterwards. */
  lockoutMs: 15 * 60_000,
  /** Most client addresses and account names remembered (oldest forgotten first). */
  maxTracked: 10_000,
} as const;

export type EnrollmentLimits = { readonly [K in keyof typeof ENROLLMENT_LIMITS]: number };

interface Bucket {
  tokens: number;
  at: number;
}

interface Failures {
  count: number;
  lockedUntil: number;
}

export class EnrollmentGuard {
  readonly #clock: Clock;
  readonly #limits: EnrollmentLimits;
  readonly #clients = new Map<string, Bucket>();
  readonly #node: Bucket;
  readonly #failures = new Map<string, Failures>();

  constructor(clock: Clock, limits: EnrollmentLimits = ENROLLMENT_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
    this.#node = { tokens: limits.nodeBurst, at: clock.now().getTime() };
  }

  /**
   * Admits one password check for `account` from `client`, or throws ERR_CA_ACCOUNT_LOCKED /
   * ERR_CA_ENROLL_RATE_LIMITED (details.retryAfterSeconds) before any KDF work.
   */
  admit(account: string, client: string): void {
    const now = this.#clock.now().getTime();
    const failures = this.#failures.get(account);
    if (failures && failures.lockedUntil > now) {
      throw caError(
        'ERR_CA_ACCOUNT_LOCKED',
        `the CA account is locked after ${this.#limits.lockoutFailures} wrong passwords; retry after ${new Date(failures.lockedUntil).toISOString()}`,
        { retryAfterSeconds: Math.ceil((failures.lockedUntil - now) / 1000) },
      );
    }
    const bucket = this.#clientBucket(client, now);
    this.#take(bucket, now, this.#limits.perClientBurst, this.#limits.perClientRefillMs, 'this client');
    this.#take(this.#node, now, this.#limits.nodeBurst, this.#limits.nodeRefillMs, 'this CA');
  }

  /** A wrong password (or an unknown account, which must look the same). */
  failed(account: string): void {
    const now = this.#clock.now().getTime();
    const previous = this.#failures.get(account);
    // A lockout that has ended starts the count again.
    const count = (previous && previous.lockedUntil === 0 ? previous.count : 0) + 1;
    const lockedUntil = count >= this.#limits.lockoutFailures ? now + this.#limits.lockoutMs : 0;
    this.#remember(this.#failures, account, { count: lockedUntil ? 0 : count, lockedUntil });
  }

  /** Right credentials: the account's failure count starts again. */
  succeeded(account: string): void {
    this.#failures.delete(account);
  }

  #clientBucket(client: string, now: number): Bucket {
    let bucket = this.#clients.get(client);
    if (!bucket) {
      bucket = { tokens: this.#limits.perClientBurst, at: now };
      this.#remember(this.#clients, client, bucket);
    }
    return bucket;
  }

  #take(bucket: Bucket, now: number, burst: number, refillMs: number, who: string): void {
    const refilled = Math.floor((now - bucket.at) / refillMs);
    if (refilled > 0) {
      bucket.tokens = Math.min(burst, bucket.tokens + refilled);
      bucket.at = bucket.tokens === burst ? now : bucket.at + refilled * refillMs;
    }
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((bucket.at + refillMs - now) / 1000));
      throw caError(
        'ERR_CA_ENROLL_RATE_LIMITED',
        `too many enrollment attempts from ${who}; retry in ${retryAfterSeconds} s`,
        {
          retryAfterSeconds,
        },
      );
    }
    bucket.tokens -= 1;
  }

  #remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.#limits.maxTracked) map.delete(map.keys().next().value!);
  }
}

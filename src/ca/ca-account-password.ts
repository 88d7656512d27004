/**
 * CA account credentials at rest: scrypt (RFC 7914) with a random salt; checked in constant time, so
 * the enrollment endpoint reveals nothing about a password through timing.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** The stored form of an account password. */
export interface PasswordHash {
  readonly alg: 'scrypt';
  /** Cost parameters (N = 2^logN, r, p). */
  readonly logN: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly hash: string;
}

const KEY_LENGTH = 32;
const DEFAULT_COST = { logN: 15, r: 8, p: 1 } as const;

function derive(
  password: string,
  salt: Buffer,
  cost: { logN: number; r: number; p: number },
): Promise<Buffer> {
  const N = 2 ** cost.logN;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Hashes a password for storage. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, DEFAULT_COST);
  return { alg: 'scrypt', ...DEFAULT_COST, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

/** Checks a password against its stored hash in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummy: Promise<PasswordHash> | undefined;
/** A hash of a random password, checked when the account does not exist so both paths cost the same. */
export function dummyPasswordHash(): Promise<PasswordHash> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}

/**
 * The work one certificate file may cost, counted rather than timed: every iterated hash of a key
 * derivation (PBKDF2 blocks, PKCS#12 KDF blocks of the MAC and of each encrypted item) is charged before it
 * is done, so a hostile file is refused up front however fast or loaded the machine is
 * (docs/certificates.md, hostile-file hardening).
 */
import { certificateError } from './certificate-errors.ts';

/** Hash iterations left for one file. */
export class WorkBudget {
  #left: number;
  #spent = 0;
  constructor(readonly max: number) {
    this.#left = max;
  }

  /** Charges `hashIterations` for `what` (e.g. "the PFX MAC"), or refuses the file when over budget. */
  spend(hashIterations: number, what: string): void {
    this.#spent += hashIterations;
    this.#left -= hashIterations;
    if (this.#left < 0) {
      throw certificateError(
        'ERR_CERTIFICATE_TOO_MUCH_WORK',
        `the file asks for ${this.#spent} key-derivation hash iterations in total (${what} included); ` +
          `at most ${this.max} are done for one file`,
        { spent: this.#spent, max: this.max },
      );
    }
  }

  /** Hash iterations charged so far. */
  get spent(): number {
    return this.#spent;
  }
}

/** Output sizes of the hashes the KDFs use, bytes. */
const HASH_BYTES: Readonly<Record<string, number>> = {
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** Hash iterations to derive `length` bytes with `iterations` rounds of `hash` (one chain per output block). */
export function derivationCost(hash: string, iterations: number, length: number): number {
  return iterations * Math.ceil(length / (HASH_BYTES[hash] ?? 20));
}

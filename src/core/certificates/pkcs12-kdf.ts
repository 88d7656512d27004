/**
 * The PKCS#12 key-derivation function (RFC 7292 Appendix B.2), used by legacy PBE algorithms and by the
 * PFX integrity MAC. Passwords are BMPStrings (UTF-16BE plus a two-byte terminator, RFC 7292 B.1).
 */
import { createHash, hash as digest } from 'node:crypto';

/** Purpose byte of the derivation (RFC 7292 B.3). */
export const KDF_ID = { key: 1, iv: 2, mac: 3 } as const;

const HASH_SIZES: Readonly<Record<string, { u: number; v: number }>> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

/** Whether the KDF supports this hash. */
export function isPkcs12KdfHash(hash: string): boolean {
  return hash in HASH_SIZES;
}

/** A password as a NUL-terminated BMPString (RFC 7292 B.1). */
export function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

function fill(source: Buffer, v: number): Buffer {
  if (source.length === 0) return Buffer.alloc(0);
  const length = v * Math.ceil(source.length / v);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length]!;
  return out;
}

/** Derives `length` bytes (RFC 7292 B.2). The caller has checked `iterations` against its cap. */
export function pkcs12Kdf(
  hash: string,
  password: Buffer,
  salt: Buffer,
  id: number,
  iterations: number,
  length: number,
): Buffer {
  const sizes = HASH_SIZES[hash];
  if (!sizes) throw new TypeError(`unsupported PKCS#12 KDF hash ${hash}`);
  const { u, v } = sizes;
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt, v), fill(password, v)]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let A = createHash(hash).update(D).update(I).digest();
    // The one-shot digest is about three times faster than a Hash object per round.
    for (let r = 1; r < iterations; r++) A = digest(hash, A, 'buffer');
    blocks.push(A);
    const B = fill(A, v);
    for (let j = 0; j < I.length; j += v) addBlock(I, j, B, v);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** I_j = (I_j + B + 1) mod 2^(8v), big-endian, in place. */
function addBlock(I: Buffer, offset: number, B: Buffer, v: number): void {
  let carry = 1;
  for (let k = v - 1; k >= 0; k--) {
    const sum = I[offset + k]! + B[k]! + carry;
    I[offset + k] = sum & 0xff;
    carry = sum >> 8;
  }
}

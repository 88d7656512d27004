/**
 * RS256 = RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3; docs/protocol.md §2.1), on node:crypto KeyObjects:
 * the fastest verifier available to Node and the only one on the validation hot path.
 */
import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Smallest RSA modulus we sign with or accept (RFC 7518 §3.3: 2048 bits or larger). */
export const MIN_RSA_BITS = 2048;

/** True when `key` is a plain RSA key (not RSA-PSS, EC or secret) of at least 2048 bits. */
export function isUsableRsaKey(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS;
}

/** Signs the ASCII signing input with an RSA private key (PKCS#1 v1.5 padding is node's default for 'rsa'). */
export function signRs256(signingInput: string, privateKey: KeyObject): Buffer {
  if (privateKey.type !== 'private' || !isUsableRsaKey(privateKey))
    throw new TypeError('RS256 needs an RSA private key of at least 2048 bits');
  return sign('sha256', Buffer.from(signingInput, 'latin1'), privateKey);
}

/**
 * Verifies an RS256 signature. Returns false (never throws) for a wrong signature, a signature of the
 * wrong length or a key that is not a usable RSA public key: a bad signature is data, not a fault.
 */
export function verifyRs256(
  signingInput: string | Uint8Array,
  signature: Uint8Array,
  publicKey: KeyObject,
): boolean {
  if (!fitsKey(signature, publicKey)) return false;
  try {
    return verify('sha256', bytesOf(signingInput), publicKey, signature);
  } catch {
    return false;
  }
}

/**
 * {@link verifyRs256} on the libuv thread pool (node:crypto's callback form): the event loop runs other
 * requests while the RSA operation proceeds. Resolves false on any failure; never rejects.
 */
export function verifyRs256Async(
  signingInput: string | Uint8Array,
  signature: Uint8Array,
  publicKey: KeyObject,
): Promise<boolean> {
  if (!fitsKey(signature, publicKey)) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify('sha256', bytesOf(signingInput), publicKey, signature, (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false);
    }
  });
}

/** A usable RSA public key whose modulus is exactly as long as the signature. */
function fitsKey(signature: Uint8Array, publicKey: KeyObject): boolean {
  const length = signatureLength(publicKey);
  return length !== 0 && signature.length === length;
}

/** The RS256 signature length of each key (0: not a usable RSA key), read once: a KeyObject never changes. */
const signatureLengths = new WeakMap<KeyObject, number>();

function signatureLength(key: KeyObject): number {
  let length = signatureLengths.get(key);
  if (length === undefined) {
    length = isUsableRsaKey(key) ? (key.asymmetricKeyDetails!.modulusLength! + 7) >> 3 : 0;
    signatureLengths.set(key, length);
  }
  return length;
}

/** The signing input is ASCII (base64url and dots), so latin1 gives its bytes without UTF-8 encoding. */
function bytesOf(signingInput: string | Uint8Array): Uint8Array {
  return typeof signingInput === 'string' ? Buffer.from(signingInput, 'latin1') : signingInput;
}

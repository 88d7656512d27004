/** Key generation for requests and CA certificates (node:crypto; the private key never leaves the process in clear). */
import { generateKeyPair as generateNodeKeyPair } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateNodeKeyPair);

/** Key algorithms a request may use (Request-CsCertificate -KeyAlg; docs/protocol.md §5.4). */
export const KEY_ALGORITHMS = ['RSA', 'ECDSA_P256'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** RSA modulus lengths accepted (-KeySize), in bits. */
export const RSA_KEY_SIZES = [1024, 2048, 3072, 4096] as const;

/** What key to generate. `size` is the RSA modulus length in bits (256 for P-256). */
export interface KeySpec {
  readonly algorithm: KeyAlgorithm;
  readonly size: number;
}

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** Generates a fresh key pair. */
export async function generateKeyPair(spec: KeySpec): Promise<KeyPair> {
  if (spec.algorithm === 'ECDSA_P256') return generate('ec', { namedCurve: 'P-256' });
  return generate('rsa', { modulusLength: spec.size, publicExponent: 0x10001 });
}

/** The key size of a public key in bits (RSA modulus, or the curve size). */
export function keySizeOf(key: KeyObject): number {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return details?.modulusLength ?? 0;
  if (details?.namedCurve === 'prime256v1') return 256;
  if (details?.namedCurve === 'secp384r1') return 384;
  return details?.namedCurve === 'secp521r1' ? 521 : 0;
}

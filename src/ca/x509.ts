/**
 * @peculiar/x509 over node's WebCrypto: the one place that installs the crypto provider, plus the small
 * conversions between node:crypto KeyObjects and the CryptoKeys the library signs with.
 */
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
/** A signature algorithm as @peculiar/x509 takes it. */
export type SigningAlgorithm = webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams;
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
export { toPem } from './pem.ts';

/** The signature algorithm a key signs certificates, requests and CRLs with (SHA-256 family). */
export function signingAlgorithmFor(key: KeyObject): SigningAlgorithm {
  return key.asymmetricKeyType === 'ec'
    ? { name: 'ECDSA', hash: 'SHA-256' }
    : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

function importParams(key: KeyObject): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  return key.asymmetricKeyType === 'ec'
    ? { name: 'ECDSA', namedCurve: 'P-256' }
    : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

/** A node private key as a WebCrypto signing key. */
export async function toSigningKey(privateKey: KeyObject): Promise<CryptoKey> {
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return await webcrypto.subtle.importKey('pkcs8', der, importParams(privateKey), true, ['sign']);
}

/** A node public key as a WebCrypto verification key. */
export async function toVerifyKey(publicKey: KeyObject): Promise<CryptoKey> {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return await webcrypto.subtle.importKey('spki', der, importParams(publicKey), true, ['verify']);
}

/** SHA-1 of a DER certificate, upper-case hex: the Windows thumbprint. */
export function thumbprintOf(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/** SHA-256 of a SubjectPublicKeyInfo, hex: how a response is matched to its pending request. */
export function publicKeyId(spkiDer: Uint8Array): string {
  return createHash('sha256').update(spkiDer).digest('hex');
}

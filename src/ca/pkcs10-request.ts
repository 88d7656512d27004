/**
 * PKCS#10 certificate requests (RFC 2986): building ours (what `certificate request --output` writes and
 * any CA accepts, `openssl req -verify` included) and reading one sent to our CA (signature checked).
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { caError } from '../core/ca/ca-errors.ts';
import { signingAlgorithmFor, toPem, toSigningKey, toVerifyKey, x509 } from './x509.ts';
import type { KeyPair } from './key-pair.ts';

/** What a request asks for. */
export interface RequestContent {
  /** RFC 4514 distinguished name, e.g. `CN=pool.contoso.com, O=Contoso`. */
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses?: readonly string[];
}

/** A request read and verified. */
export interface VerifiedRequest extends RequestContent {
  readonly ipAddresses: readonly string[];
  readonly publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKeyDer: Buffer;
}

/** Builds and signs a PKCS#10 request; returns its PEM. */
export async function createRequest(content: RequestContent, keys: KeyPair): Promise<string> {
  const names = [
    ...content.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...(content.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions = names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: content.subject,
    keys: { privateKey: await toSigningKey(keys.privateKey), publicKey: await toVerifyKey(keys.publicKey) },
    signingAlgorithm: signingAlgorithmFor(keys.privateKey),
    extensions,
  });
  return toPem(new Uint8Array(csr.rawData), 'CERTIFICATE REQUEST');
}

/** Reads a PEM or DER request and verifies its self-signature; throws ERR_CA_REQUEST_INVALID. */
export async function parseRequest(input: string | Uint8Array): Promise<VerifiedRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(typeof input === 'string' ? input.trim() : new Uint8Array(input));
  } catch (cause) {
    throw caError(
      'ERR_CA_REQUEST_INVALID',
      'the certificate request is not a PKCS#10 request (PEM or DER)',
      {},
      cause,
    );
  }
  const valid = await csr.verify().catch(() => false);
  if (!valid) throw caError('ERR_CA_REQUEST_INVALID', 'the certificate request signature does not verify');
  const san = csr.extensions.find(
    (e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension,
  );
  const names = san?.names.items ?? [];
  const publicKeyDer = Buffer.from(csr.publicKey.rawData);
  return {
    subject: csr.subject,
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
    publicKey: createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' }),
    publicKeyDer,
  };
}

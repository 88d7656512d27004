/**
 * Reads a certificate file of any accepted format — PKCS#12, PEM (certificates and a key), DER
 * certificate — into the leaf certificate, its chain and its private key (PKCS#8 DER).
 * The leaf is the certificate matching the private key, not the first one found.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { certificateError } from './certificate-errors.ts';
import { CERTIFICATE_FILE_LIMITS } from './certificate-file-limits.ts';
import type { CertificateFileLimits } from './certificate-file-limits.ts';
import { readTlv } from './der-reader.ts';
import { isKeyBlock, pemBlocks, pemPrivateKey } from './pem-reader.ts';
import { looksLikePfx, readPfx } from './pfx-reader.ts';
import { orderChain } from './certificate-chain.ts';
import { WorkBudget } from './work-budget.ts';

/** What the caller hands in. Passwords are never logged or echoed. */
export interface CertificateFileInput {
  readonly bytes: Buffer;
  /** A separate PEM key file, when the certificate and key come apart. */
  readonly keyBytes?: Buffer;
  readonly password?: string;
  /** Used only to tell a PFX that turned out to be text (`.pfx`, `.p12`). */
  readonly fileName?: string;
}

/** The file's useful contents. */
export interface CertificateFileContents {
  readonly format: 'pkcs12' | 'pem' | 'der';
  readonly certificate: Buffer;
  /** Issuer chain, leaf's issuer first. */
  readonly chain: Buffer[];
  /** PKCS#8 DER, or null when the file has no key. */
  readonly privateKey: Buffer | null;
  readonly friendlyName: string | null;
  /** Encryption schemes met (PFX), for diagnostics. */
  readonly algorithms: string[];
}

interface RawContents {
  format: CertificateFileContents['format'];
  certificates: Buffer[];
  keys: Buffer[];
  friendlyName: string | null;
  algorithms: string[];
}

/** Reads and checks a certificate file. Throws a certificate error code for each kind of bad file. */
export function readCertificateFile(
  input: CertificateFileInput,
  limits: CertificateFileLimits = CERTIFICATE_FILE_LIMITS,
): CertificateFileContents {
  checkSize(input.bytes, limits);
  if (input.keyBytes) checkSize(input.keyBytes, limits);
  const work = new WorkBudget(limits.maxWork);
  const raw = decode(input, limits, work);
  if (input.keyBytes)
    raw.keys.push(...readPem(input.keyBytes.toString('latin1'), input.password, limits, work).keys);
  return selectLeaf(raw, limits);
}

function checkSize(bytes: Buffer, limits: CertificateFileLimits): void {
  if (bytes.length > limits.maxFileBytes) {
    throw certificateError(
      'ERR_CERTIFICATE_FILE_TOO_LARGE',
      `the file has ${bytes.length} bytes; at most ${limits.maxFileBytes} are read`,
      { size: bytes.length },
    );
  }
  if (bytes.length === 0) throw certificateError('ERR_CERTIFICATE_FILE_UNRECOGNIZED', 'the file is empty');
}

function decode(input: CertificateFileInput, limits: CertificateFileLimits, work: WorkBudget): RawContents {
  const { bytes } = input;
  const looksPfxByName = /\.(pfx|p12)$/i.test(input.fileName ?? '');
  if (bytes[0] === 0x30) return decodeBinary(bytes, input.password, limits, work);
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN ')) {
    if (looksPfxByName)
      throw certificateError(
        'ERR_PFX_NOT_BINARY',
        'the .pfx/.p12 file is PEM text, not binary PKCS#12: import it as PEM (e.g. rename it .pem)',
      );
    return readPem(text, input.password, limits, work);
  }
  const compact = text.replace(/\s/g, '');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(compact) && Buffer.from(compact, 'base64')[0] === 0x30) {
    throw certificateError(
      'ERR_PFX_NOT_BINARY',
      'the file is base64 text: decode it first (base64 -d file > file.pfx)',
    );
  }
  throw certificateError(
    'ERR_CERTIFICATE_FILE_UNRECOGNIZED',
    'the file is neither PKCS#12, PEM nor a DER certificate',
  );
}

function decodeBinary(
  bytes: Buffer,
  password: string | undefined,
  limits: CertificateFileLimits,
  work: WorkBudget,
): RawContents {
  const top = readTlv(bytes);
  if (looksLikePfx(top)) {
    const pfx = readPfx(bytes, password, limits, work);
    const keyName = pfx.keys.find((k) => k.friendlyName)?.friendlyName ?? null;
    return {
      format: 'pkcs12',
      certificates: pfx.certificates.map((c) => c.der),
      keys: pfx.keys.map((k) => k.der),
      friendlyName: keyName ?? pfx.certificates.find((c) => c.friendlyName)?.friendlyName ?? null,
      algorithms: [...new Set(pfx.algorithms)],
    };
  }
  parseCertificate(top.raw);
  return { format: 'der', certificates: [top.raw], keys: [], friendlyName: null, algorithms: [] };
}

function readPem(
  text: string,
  password: string | undefined,
  limits: CertificateFileLimits,
  work: WorkBudget,
): RawContents {
  const blocks = pemBlocks(text);
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.der);
  const keys = blocks.filter(isKeyBlock).map((b) => pemPrivateKey(b, password, limits.maxIterations, work));
  if (certificates.length === 0 && keys.length === 0)
    throw certificateError(
      'ERR_CERTIFICATE_FILE_UNRECOGNIZED',
      'the PEM text holds no certificate and no private key',
    );
  for (const der of certificates) parseCertificate(der);
  return { format: 'pem', certificates, keys, friendlyName: null, algorithms: [] };
}

/** Parses one DER certificate or refuses the file. */
export function parseCertificate(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (cause) {
    throw certificateError(
      'ERR_CERTIFICATE_FILE_UNRECOGNIZED',
      'a certificate in the file cannot be parsed',
      {},
      cause,
    );
  }
}

function spki(key: ReturnType<typeof createPublicKey>): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

function selectLeaf(raw: RawContents, limits: CertificateFileLimits): CertificateFileContents {
  const certificates = dedupe(raw.certificates);
  const keys = dedupe(raw.keys);
  if (certificates.length === 0)
    throw certificateError(
      'ERR_CERTIFICATE_NO_CERTIFICATE',
      'the file holds a private key but no certificate',
    );
  if (certificates.length > limits.maxCertificates)
    throw certificateError(
      'ERR_CERTIFICATE_FILE_UNRECOGNIZED',
      `the file holds ${certificates.length} certificates; at most ${limits.maxCertificates} are read`,
    );
  if (keys.length > 1)
    throw certificateError(
      'ERR_CERTIFICATE_MULTIPLE_KEYS',
      `the file holds ${keys.length} private keys; export one certificate and its key per file`,
    );
  const parsed = certificates.map((der) => ({ der, x509: parseCertificate(der) }));
  const keyDer = keys[0] ?? null;
  // Without a key, the leaf is the certificate that issued none of the others.
  let leaf =
    parsed.find((c) => !parsed.some((other) => other !== c && other.x509.checkIssued(c.x509))) ?? parsed[0]!;
  if (keyDer) {
    const publicKey = spki(createPublicKey(createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' })));
    const match = parsed.find((c) => spki(c.x509.publicKey).equals(publicKey));
    if (!match)
      throw certificateError(
        'ERR_CERTIFICATE_KEY_MISMATCH',
        'the private key does not belong to any certificate in the file',
      );
    leaf = match;
  }
  const others = parsed.filter((c) => c !== leaf);
  return {
    format: raw.format,
    certificate: leaf.der,
    chain: orderChain(
      leaf.x509,
      others.map((o) => o.x509),
    ).map((c) => c.raw),
    privateKey: keyDer,
    friendlyName: raw.friendlyName,
    algorithms: raw.algorithms,
  };
}

function dedupe(items: Buffer[]): Buffer[] {
  return items.filter((item, i) => items.findIndex((other) => other.equals(item)) === i);
}

/**
 * Reads a PKCS#12 (PFX) file (RFC 7292) written by OpenSSL 3 (PBES2/AES-256, SHA-256 MAC), by OpenSSL
 * `-legacy` (3DES keys, RC2-40 certificates, SHA-1 MAC) or by Windows (3DES everywhere).
 *
 * Hostile-file order of work: parse the whole structure and every algorithm's parameters, refuse any
 * iteration count over the cap, require the integrity MAC and verify it, and only then decrypt.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { certificateError } from './certificate-errors.ts';
import {
  explicit,
  malformed,
  octetsOf,
  oidOf,
  readTlv,
  sequence,
  smallIntOf,
  childrenOf,
  isUniversal,
  TAG,
} from './der-reader.ts';
import type { Tlv } from './der-reader.ts';
import { checkIterations, parsePasswordCipher } from './password-based-encryption.ts';
import { bmpPassword, isPkcs12KdfHash, KDF_ID, pkcs12Kdf } from './pkcs12-kdf.ts';
import { CERTIFICATE_FILE_LIMITS } from './certificate-file-limits.ts';
import { derivationCost, WorkBudget } from './work-budget.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;

/** Digest OIDs of the MAC (RFC 7292 §4; NIST hash OIDs). */
const MAC_HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Limits applied while reading. */
export interface PfxLimits {
  /** Highest PBKDF2 / PKCS#12 KDF iteration count accepted. */
  readonly maxIterations: number;
  /** Most password-encrypted items (each costs a key derivation). */
  readonly maxEncryptedItems: number;
  /** Most key-derivation hash iterations in total (default: CERTIFICATE_FILE_LIMITS.maxWork). */
  readonly maxWork?: number;
}

/** What reading a PFX may still spend: encrypted items, and hash iterations. */
interface Budget {
  left: number;
  readonly work: WorkBudget;
}

/** One bag's content with its attributes. */
export interface PfxItem {
  readonly der: Buffer;
  readonly friendlyName: string | null;
  readonly localKeyId: Buffer | null;
}

/** What a PFX holds, decrypted. Private keys are PKCS#8 DER. */
export interface PfxContents {
  readonly certificates: PfxItem[];
  readonly keys: PfxItem[];
  /** The encryption schemes met, e.g. `PBES2/PBKDF2-sha256/aes-256-cbc` (for diagnostics, no secrets). */
  readonly algorithms: string[];
  readonly macAlgorithm: string;
}

/** Whether `top` (the outer element) looks like a PFX: SEQUENCE { INTEGER 3, ContentInfo, ... }. */
export function looksLikePfx(top: Tlv): boolean {
  try {
    const [version, authSafe] = sequence(top, 'PFX');
    return (
      isUniversal(version, TAG.INTEGER) &&
      smallIntOf(version, 'version') === 3 &&
      isUniversal(authSafe, TAG.SEQUENCE)
    );
  } catch {
    return false;
  }
}

type Task = (password: string) => void;

/** Reads and decrypts a PFX. `password` undefined means "no password" (tried as the empty one). */
export function readPfx(
  bytes: Buffer,
  password: string | undefined,
  limits: PfxLimits,
  work: WorkBudget = new WorkBudget(limits.maxWork ?? CERTIFICATE_FILE_LIMITS.maxWork),
): PfxContents {
  const [version, authSafe, macData] = sequence(readTlv(bytes), 'the PFX');
  if (smallIntOf(version, 'the PFX version') !== 3) malformed('the PFX version is not 3');
  const [ctOid, ctContent] = sequence(authSafe, 'the PFX content');
  const contentType = oidOf(ctOid, 'the PFX content type');
  if (contentType !== OID.data) {
    throw certificateError(
      'ERR_PFX_UNSUPPORTED_ALGORITHM',
      `PFX integrity mode ${contentType} is not supported (public-key integrity)`,
      { oid: contentType },
    );
  }
  const authContent = octetsOf(explicit(ctContent, 0, 'the PFX content'), 'the PFX content');
  if (!macData)
    throw certificateError(
      'ERR_PFX_MAC_MISSING',
      'the PFX has no integrity MAC; it is refused because tampering could not be detected',
    );
  const mac = parseMac(macData, limits.maxIterations, work);
  const out: PfxContents = { certificates: [], keys: [], algorithms: [], macAlgorithm: `HMAC-${mac.hash}` };
  const tasks: Task[] = [];
  const budget: Budget = { left: limits.maxEncryptedItems, work };
  for (const info of sequence(readTlv(authContent), 'the authenticated safe'))
    planContentInfo(info, out, tasks, limits, budget);
  const verified = mac.verify(authContent, password);
  for (const task of tasks) task(verified);
  return out;
}

interface ParsedMac {
  readonly hash: string;
  verify(authContent: Buffer, password: string | undefined): string;
}

function parseMac(macData: Tlv, maxIterations: number, work: WorkBudget): ParsedMac {
  const [digestInfo, saltTlv, iterTlv] = sequence(macData, 'the PFX MAC');
  const [algorithm, digestTlv] = sequence(digestInfo, 'the PFX MAC digest');
  const oid = oidOf(sequence(algorithm, 'the PFX MAC algorithm')[0], 'the PFX MAC algorithm');
  const hash = MAC_HASHES[oid];
  if (!hash || !isPkcs12KdfHash(hash))
    throw certificateError('ERR_PFX_UNSUPPORTED_ALGORITHM', `unsupported PFX MAC algorithm (${oid})`, {
      oid,
    });
  const iterations = iterTlv ? smallIntOf(iterTlv, 'the MAC iteration count') : 1;
  checkIterations(iterations, maxIterations, 'the PFX MAC');
  const salt = octetsOf(saltTlv, 'the MAC salt');
  const expected = octetsOf(digestTlv, 'the MAC digest');
  // One derivation per password tried (an absent password may be tried twice).
  work.spend(derivationCost(hash, iterations, expected.length), 'the PFX MAC');
  const matches = (pw: Buffer, content: Buffer): boolean => {
    const key = pkcs12Kdf(hash, pw, salt, KDF_ID.mac, iterations, expected.length);
    const actual = createHmac(hash, key).update(content).digest();
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  };
  return {
    hash,
    verify(content, password) {
      if (matches(bmpPassword(password ?? ''), content)) return password ?? '';
      // Some writers encode an absent password as zero bytes rather than an empty BMPString.
      if (!password && matches(Buffer.alloc(0), content)) return '';
      throw certificateError(
        'ERR_CERTIFICATE_PASSWORD_WRONG',
        password === undefined
          ? 'the PFX is password-protected: pass --password-file or --password-env'
          : 'wrong password: the PFX integrity MAC does not verify',
      );
    },
  };
}

function spend(budget: Budget, cipher: { cost: number }, what: string): void {
  if (--budget.left < 0) malformed('too many encrypted items');
  budget.work.spend(cipher.cost, what);
}

function planContentInfo(
  info: Tlv,
  out: PfxContents,
  tasks: Task[],
  limits: PfxLimits,
  budget: Budget,
): void {
  const [oidTlv, content] = sequence(info, 'a PFX content');
  const oid = oidOf(oidTlv, 'a PFX content type');
  if (oid === OID.data) {
    planSafeContents(
      octetsOf(explicit(content, 0, 'a PFX data content'), 'a PFX data content'),
      out,
      tasks,
      limits,
      budget,
      0,
    );
    return;
  }
  if (oid !== OID.encryptedData)
    throw certificateError('ERR_PFX_UNSUPPORTED_ALGORITHM', `unsupported PFX content type (${oid})`, { oid });
  const [, encryptedContentInfo] = sequence(
    explicit(content, 0, 'a PFX encrypted content'),
    'a PFX encrypted content',
  );
  const [, algorithm, encrypted] = sequence(encryptedContentInfo, 'a PFX encrypted content');
  const cipher = parsePasswordCipher(algorithm, limits.maxIterations);
  out.algorithms.push(cipher.name);
  if (!encrypted || encrypted.cls !== 2 || encrypted.tag !== 0)
    malformed('a PFX encrypted content has no data');
  const data = octetsOf(encrypted, 'a PFX encrypted content');
  spend(budget, cipher, 'an encrypted safe');
  // Certificates in encrypted safes: their bags are only visible after decryption.
  tasks.push((password) => {
    const inner: Task[] = [];
    planSafeContents(cipher.decrypt(password, data), out, inner, limits, budget, 0);
    for (const task of inner) task(password);
  });
}

function planSafeContents(
  der: Buffer,
  out: PfxContents,
  tasks: Task[],
  limits: PfxLimits,
  budget: Budget,
  depth: number,
): void {
  if (depth > 4) malformed('safe contents nested too deep');
  for (const bag of sequence(readTlv(der), 'a PFX safe contents')) {
    const [bagIdTlv, valueTlv, attributes] = sequence(bag, 'a PFX bag');
    const bagId = oidOf(bagIdTlv, 'a PFX bag type');
    const value = explicit(valueTlv, 0, 'a PFX bag');
    const attrs = readAttributes(attributes);
    if (bagId === OID.certBag) {
      const [certType, certValue] = sequence(value, 'a certificate bag');
      if (oidOf(certType, 'a certificate bag type') === OID.x509Certificate) {
        out.certificates.push({
          der: octetsOf(explicit(certValue, 0, 'a certificate bag'), 'a certificate'),
          ...attrs,
        });
      }
    } else if (bagId === OID.keyBag) {
      out.keys.push({ der: value.raw, ...attrs });
    } else if (bagId === OID.shroudedKeyBag) {
      const [algorithm, encrypted] = sequence(value, 'an encrypted private key');
      const cipher = parsePasswordCipher(algorithm, limits.maxIterations);
      out.algorithms.push(cipher.name);
      const data = octetsOf(encrypted, 'an encrypted private key');
      spend(budget, cipher, 'an encrypted private key');
      tasks.push((password) => out.keys.push({ der: cipher.decrypt(password, data), ...attrs }));
    } else if (bagId === OID.safeContentsBag) {
      planSafeContents(value.raw, out, tasks, limits, budget, depth + 1);
    }
    // CRL and secret bags are ignored: s2s has no use for them.
  }
}

function readAttributes(set: Tlv | undefined): { friendlyName: string | null; localKeyId: Buffer | null } {
  const result = { friendlyName: null as string | null, localKeyId: null as Buffer | null };
  if (!set || !isUniversal(set, TAG.SET)) return result;
  for (const attribute of childrenOf(set)) {
    const [oidTlv, values] = sequence(attribute, 'a bag attribute');
    const first = values && values.constructed ? childrenOf(values)[0] : undefined;
    const oid = oidOf(oidTlv, 'a bag attribute');
    if (oid === OID.friendlyName && isUniversal(first, TAG.BMP))
      result.friendlyName = decodeBmp(first!.content);
    if (oid === OID.localKeyId && first) result.localKeyId = Buffer.from(first.content);
  }
  return result;
}

function decodeBmp(bytes: Buffer): string {
  let text = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) text += String.fromCharCode(bytes.readUInt16BE(i));
  return text;
}

/**
 * Writes a PKCS#12 file (RFC 7292) for `certificate export`. The private key only ever leaves inside a
 * password-protected PFX. Modern: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) with a SHA-256 MAC, as
 * OpenSSL 3 writes by default. Legacy (`--legacy`): pbeWithSHAAnd3-KeyTripleDES-CBC with a SHA-1 MAC, which
 * Windows Server 2012–2016 and old OpenSSL read.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  derBmpString,
  derExplicit,
  derImplicitPrimitive,
  derInteger,
  derNull,
  derOctets,
  derOid,
  derSequence,
  derSet,
} from './der-writer.ts';
import { encryptPbes2, encryptPkcs12TripleDes } from './password-based-encryption.ts';
import type { PasswordEncrypted } from './password-based-encryption.ts';
import { bmpPassword, KDF_ID, pkcs12Kdf } from './pkcs12-kdf.ts';

/** Iteration counts written, per style. */
export const PFX_WRITE_ITERATIONS = { modern: 10_000, legacy: 2_048 } as const;

/** What goes into the file. */
export interface PfxWriteInput {
  readonly certificate: Buffer;
  readonly chain: readonly Buffer[];
  /** PKCS#8 DER. */
  readonly privateKey: Buffer;
  readonly password: string;
  readonly friendlyName?: string;
  readonly legacy?: boolean;
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** Builds the PFX bytes. */
export function writePfx(input: PfxWriteInput): Buffer {
  const legacy = input.legacy === true;
  const iterations = legacy ? PFX_WRITE_ITERATIONS.legacy : PFX_WRITE_ITERATIONS.modern;
  const encrypt = (plain: Buffer): PasswordEncrypted =>
    legacy
      ? encryptPkcs12TripleDes(plain, input.password, iterations)
      : encryptPbes2(plain, input.password, iterations);
  const localKeyId = createHash('sha1').update(input.certificate).digest();
  const leafAttributes = attributes(localKeyId, input.friendlyName);
  const certBags = [
    certBag(input.certificate, leafAttributes),
    ...input.chain.map((der) => certBag(der, null)),
  ];
  const encryptedCerts = encrypt(derSequence(...certBags));
  const key = encrypt(input.privateKey);
  const keyBag = derSequence(
    derOid(OID.shroudedKeyBag),
    derExplicit(0, derSequence(key.algorithm, derOctets(key.data))),
    leafAttributes,
  );
  const authSafe = derSequence(encryptedContentInfo(encryptedCerts), dataContentInfo(derSequence(keyBag)));
  return derSequence(
    derInteger(3),
    dataContentInfo(authSafe),
    macData(authSafe, input.password, legacy ? 'sha1' : 'sha256', iterations),
  );
}

function attributes(localKeyId: Buffer, friendlyName: string | undefined): Buffer {
  const items = [derSequence(derOid(OID.localKeyId), derSet(derOctets(localKeyId)))];
  if (friendlyName) items.push(derSequence(derOid(OID.friendlyName), derSet(derBmpString(friendlyName))));
  return derSet(...items);
}

function certBag(der: Buffer, attrs: Buffer | null): Buffer {
  const value = derSequence(derOid(OID.x509Certificate), derExplicit(0, derOctets(der)));
  return derSequence(derOid(OID.certBag), derExplicit(0, value), ...(attrs ? [attrs] : []));
}

function dataContentInfo(content: Buffer): Buffer {
  return derSequence(derOid(OID.data), derExplicit(0, derOctets(content)));
}

function encryptedContentInfo(encrypted: PasswordEncrypted): Buffer {
  const info = derSequence(derOid(OID.data), encrypted.algorithm, derImplicitPrimitive(0, encrypted.data));
  return derSequence(derOid(OID.encryptedData), derExplicit(0, derSequence(derInteger(0), info)));
}

function macData(authSafe: Buffer, password: string, hash: 'sha1' | 'sha256', iterations: number): Buffer {
  const salt = randomBytes(hash === 'sha1' ? 8 : 16);
  const size = hash === 'sha1' ? 20 : 32;
  const key = pkcs12Kdf(hash, bmpPassword(password), salt, KDF_ID.mac, iterations, size);
  const mac = createHmac(hash, key).update(authSafe).digest();
  return derSequence(
    derSequence(derSequence(derOid(OID[hash]), derNull()), derOctets(mac)),
    derOctets(salt),
    derInteger(iterations),
  );
}

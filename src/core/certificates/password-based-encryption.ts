/**
 * Password-based encryption inside PKCS#12 and PKCS#8: PBES2 (PBKDF2 + AES/3DES, RFC 8018 §6.2) with the
 * password as UTF-8, and the legacy PKCS#12 PBE schemes (RFC 7292 Appendix C) with the password as a
 * BMPString. Parameters are read — and the iteration count checked against a cap — before any key is derived.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { certificateError } from './certificate-errors.ts';
import { isUniversal, octetsOf, oidOf, sequence, smallIntOf, TAG } from './der-reader.ts';
import type { Tlv } from './der-reader.ts';
import { derInteger, derOctets, derOid, derSequence } from './der-writer.ts';
import { bmpPassword, KDF_ID, pkcs12Kdf } from './pkcs12-kdf.ts';
import { derivationCost } from './work-budget.ts';

export const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';
const OID_PBE_SHA1_3DES = '1.2.840.113549.1.12.1.3';

/** HMAC PRFs of PBKDF2 (RFC 8018 Appendix B.1). */
const PRFS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const PRF_OID_BY_HASH = Object.fromEntries(Object.entries(PRFS).map(([oid, hash]) => [hash, oid]));

/** PBES2 encryption schemes (RFC 8018 Appendix B.2; NIST AES OIDs). */
const PBES2_CIPHERS: Readonly<Record<string, { cipher: string; keyLength: number }>> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', keyLength: 24 },
};

/** Legacy PKCS#12 PBE schemes (RFC 7292 Appendix C); RC4 ones are refused. */
const PKCS12_PBE: Readonly<Record<string, { cipher: string; keyLength: number; rc2Bits?: number }>> = {
  [OID_PBE_SHA1_3DES]: { cipher: 'des-ede3-cbc', keyLength: 24 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede-cbc', keyLength: 16 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2-cbc', keyLength: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2-cbc', keyLength: 5, rc2Bits: 40 },
};

/** A parsed encryption algorithm, ready to decrypt once the caller accepted its cost. */
export interface PasswordCipher {
  /** e.g. `PBES2/PBKDF2-sha256/aes-256-cbc` or `PKCS12-PBE-sha1/des-ede3-cbc`. */
  readonly name: string;
  readonly iterations: number;
  /** Hash iterations one decryption derives (charged to the file's work budget before it runs). */
  readonly cost: number;
  decrypt(password: string, data: Buffer): Buffer;
}

function unsupported(oid: string, what: string): never {
  throw certificateError('ERR_PFX_UNSUPPORTED_ALGORITHM', `unsupported ${what} (${oid})`, { oid });
}

/** Refuses an iteration count above `max` before anything is derived (a hostile-file guard). */
export function checkIterations(iterations: number, max: number, what: string): void {
  if (iterations < 1)
    throw certificateError(
      'ERR_CERTIFICATE_FILE_UNRECOGNIZED',
      `${what} has an iteration count of ${iterations}`,
    );
  if (iterations > max) {
    throw certificateError(
      'ERR_PFX_ITERATIONS_TOO_HIGH',
      `${what} asks for ${iterations} iterations; at most ${max} are accepted`,
      { iterations, max },
    );
  }
}

/** Reads an AlgorithmIdentifier of password-based encryption and checks its iteration count. */
export function parsePasswordCipher(algorithm: Tlv | undefined, maxIterations: number): PasswordCipher {
  const [oidTlv, params] = sequence(algorithm, 'the encryption algorithm');
  const oid = oidOf(oidTlv, 'the encryption algorithm');
  if (oid === OID_PBES2) return parsePbes2(params, maxIterations);
  const legacy = PKCS12_PBE[oid];
  if (!legacy) unsupported(oid, 'encryption algorithm');
  const [salt, count] = sequence(params, 'the PBE parameters');
  const iterations = smallIntOf(count, 'the PBE iteration count');
  checkIterations(iterations, maxIterations, 'the PKCS#12 encryption');
  const saltBytes = octetsOf(salt, 'the PBE salt');
  return {
    name: `PKCS12-PBE-sha1/${legacy.cipher}${legacy.rc2Bits ? `-${legacy.rc2Bits}` : ''}`,
    iterations,
    cost: derivationCost('sha1', iterations, legacy.keyLength) + derivationCost('sha1', iterations, 8),
    decrypt(password, data) {
      const pw = bmpPassword(password);
      const key = pkcs12Kdf('sha1', pw, saltBytes, KDF_ID.key, iterations, legacy.keyLength);
      const iv = pkcs12Kdf('sha1', pw, saltBytes, KDF_ID.iv, iterations, 8);
      return legacy.rc2Bits
        ? rc2Decrypt(key, iv, data, legacy.rc2Bits)
        : decipher(legacy.cipher, key, iv, data);
    },
  };
}

function parsePbes2(params: Tlv | undefined, maxIterations: number): PasswordCipher {
  const [kdf, scheme] = sequence(params, 'the PBES2 parameters');
  const [kdfOid, kdfParams] = sequence(kdf, 'the PBES2 key derivation');
  const kdfName = oidOf(kdfOid, 'the PBES2 key derivation');
  if (kdfName !== OID_PBKDF2) unsupported(kdfName, 'key derivation function');
  const fields = sequence(kdfParams, 'the PBKDF2 parameters');
  const salt = octetsOf(fields[0], 'the PBKDF2 salt');
  const iterations = smallIntOf(fields[1], 'the PBKDF2 iteration count');
  checkIterations(iterations, maxIterations, 'the PBKDF2 key derivation');
  const rest = fields.slice(2).filter((f) => !isUniversal(f, TAG.INTEGER));
  const prfOid = rest[0]
    ? oidOf(sequence(rest[0], 'the PBKDF2 PRF')[0], 'the PBKDF2 PRF')
    : '1.2.840.113549.2.7';
  const hash = PRFS[prfOid] ?? unsupported(prfOid, 'PBKDF2 PRF');
  const [cipherOid, ivTlv] = sequence(scheme, 'the PBES2 encryption scheme');
  const cipherName = oidOf(cipherOid, 'the PBES2 encryption scheme');
  const cipher = PBES2_CIPHERS[cipherName] ?? unsupported(cipherName, 'PBES2 cipher');
  const iv = octetsOf(ivTlv, 'the PBES2 IV');
  return {
    name: `PBES2/PBKDF2-${hash}/${cipher.cipher}`,
    iterations,
    cost: derivationCost(hash, iterations, cipher.keyLength),
    decrypt(password, data) {
      // RFC 8018 leaves the password encoding open; OpenSSL and Windows use the UTF-8 bytes.
      const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLength, hash);
      return decipher(cipher.cipher, key, iv, data);
    },
  };
}

function wrongPassword(): never {
  throw certificateError('ERR_CERTIFICATE_PASSWORD_WRONG', 'the password does not decrypt the private key');
}

function decipher(name: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    return wrongPassword();
  }
}

/** RC2 (RFC 2268) is absent from OpenSSL 3's default provider, so node-forge's implementation is used. */
function rc2Decrypt(key: Buffer, iv: Buffer, data: Buffer, bits: number): Buffer {
  const cipher = forge.rc2.createDecryptionCipher(key.toString('binary'), bits);
  cipher.start(iv.toString('binary'));
  cipher.update(forge.util.createBuffer(data.toString('binary')));
  if (!cipher.finish()) wrongPassword();
  return Buffer.from(cipher.output.getBytes(), 'binary');
}

/** Output of an encryption: its AlgorithmIdentifier (DER) and the ciphertext. */
export interface PasswordEncrypted {
  readonly algorithm: Buffer;
  readonly data: Buffer;
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (OpenSSL 3's default for PKCS#12). */
export function encryptPbes2(plaintext: Buffer, password: string, iterations: number): PasswordEncrypted {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const kdf = derSequence(
    derOid(OID_PBKDF2),
    derSequence(
      derOctets(salt),
      derInteger(iterations),
      derSequence(derOid(PRF_OID_BY_HASH.sha256!), Buffer.from([0x05, 0x00])),
    ),
  );
  const scheme = derSequence(derOid('2.16.840.1.101.3.4.1.42'), derOctets(iv));
  return { algorithm: derSequence(derOid(OID_PBES2), derSequence(kdf, scheme)), data };
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC: what Windows Server 2012–2016 reads. */
export function encryptPkcs12TripleDes(
  plaintext: Buffer,
  password: string,
  iterations: number,
): PasswordEncrypted {
  const salt = randomBytes(8);
  const pw = bmpPassword(password);
  const key = pkcs12Kdf('sha1', pw, salt, KDF_ID.key, iterations, 24);
  const iv = pkcs12Kdf('sha1', pw, salt, KDF_ID.iv, iterations, 8);
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    algorithm: derSequence(derOid(OID_PBE_SHA1_3DES), derSequence(derOctets(salt), derInteger(iterations))),
    data,
  };
}

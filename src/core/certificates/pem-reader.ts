/**
 * Reads PEM text (RFC 7468): certificates, and a private key as PKCS#8, PKCS#1 / SEC1 (optionally with
 * OpenSSL's traditional `Proc-Type: 4,ENCRYPTED`), or encrypted PKCS#8 (PBES2, iteration cap checked first).
 */
import { createPrivateKey } from 'node:crypto';
import { certificateError } from './certificate-errors.ts';
import { readTlv, sequence, octetsOf } from './der-reader.ts';
import { parsePasswordCipher } from './password-based-encryption.ts';
import type { WorkBudget } from './work-budget.ts';

/** One PEM block. */
export interface PemBlock {
  readonly label: string;
  readonly headers: string;
  readonly der: Buffer;
  readonly text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Every PEM block of a text, in order. */
export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(BLOCK)].map((m) => {
    const lines = m[2]!.split(/\r?\n/);
    let i = 0;
    const headers: string[] = [];
    // RFC 1421 headers (Proc-Type, DEK-Info) precede a blank line.
    if (lines[0]?.includes(':'))
      while (i < lines.length && lines[i]!.trim() !== '') headers.push(lines[i++]!);
    const base64 = lines.slice(i).join('').replace(/\s/g, '');
    return { label: m[1]!, headers: headers.join('\n'), der: Buffer.from(base64, 'base64'), text: m[0] };
  });
}

const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

/** Whether a block holds a private key. */
export function isKeyBlock(block: PemBlock): boolean {
  return KEY_LABELS.has(block.label);
}

/** Opens a private-key block to PKCS#8 DER. */
export function pemPrivateKey(
  block: PemBlock,
  password: string | undefined,
  maxIterations: number,
  work?: WorkBudget,
): Buffer {
  if (block.label === 'ENCRYPTED PRIVATE KEY') return decryptPkcs8(block.der, password, maxIterations, work);
  const encrypted = /Proc-Type:\s*4,ENCRYPTED/.test(block.headers);
  if (encrypted && password === undefined) {
    throw certificateError(
      'ERR_CERTIFICATE_PASSWORD_WRONG',
      'the private key is encrypted: pass --password-file or --password-env',
    );
  }
  try {
    const key = createPrivateKey(
      encrypted
        ? { key: block.text, format: 'pem', passphrase: password ?? '' }
        : { key: block.text, format: 'pem' },
    );
    return key.export({ format: 'der', type: 'pkcs8' });
  } catch (cause) {
    if (encrypted)
      throw certificateError(
        'ERR_CERTIFICATE_PASSWORD_WRONG',
        'wrong password: the private key does not decrypt',
      );
    throw certificateError(
      'ERR_CERTIFICATE_FILE_UNRECOGNIZED',
      `the ${block.label} block is not a valid private key`,
      {},
      cause,
    );
  }
}

/** EncryptedPrivateKeyInfo (RFC 5958 §3) → PrivateKeyInfo DER. */
export function decryptPkcs8(
  der: Buffer,
  password: string | undefined,
  maxIterations: number,
  work?: WorkBudget,
): Buffer {
  const [algorithm, data] = sequence(readTlv(der), 'the encrypted private key');
  const cipher = parsePasswordCipher(algorithm, maxIterations);
  work?.spend(cipher.cost, 'the encrypted private key');
  if (password === undefined) {
    throw certificateError(
      'ERR_CERTIFICATE_PASSWORD_WRONG',
      'the private key is encrypted: pass --password-file or --password-env',
    );
  }
  const plain = cipher.decrypt(password, octetsOf(data, 'the encrypted private key'));
  try {
    return createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' }).export({
      format: 'der',
      type: 'pkcs8',
    });
  } catch {
    // Padding can check out by chance with a wrong key; the garbage then fails to parse.
    throw certificateError(
      'ERR_CERTIFICATE_PASSWORD_WRONG',
      'wrong password: the private key does not decrypt',
    );
  }
}

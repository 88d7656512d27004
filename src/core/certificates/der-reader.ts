/**
 * A small, strict BER/DER reader for the structures s2s reads from hostile files (PKCS#12, PKCS#8).
 * Written here rather than delegated so that every length is checked against the bytes actually present
 * (a truncated file is reported as such), nesting is bounded, and nothing is derived before it is read.
 */
import { certificateError } from './certificate-errors.ts';

/** One tag-length-value element. `content` is a view of the input (never copied). */
export interface Tlv {
  /** Tag class: 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly cls: number;
  readonly constructed: boolean;
  readonly tag: number;
  /** The whole encoding (header + content), as found. */
  readonly raw: Buffer;
  readonly content: Buffer;
  /** Definite-length: content is exact; indefinite: content excludes the end-of-contents octets. */
  readonly indefinite: boolean;
}

/** Universal tag numbers used by s2s. */
export const TAG = {
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8: 12,
  SEQUENCE: 16,
  SET: 17,
  BMP: 30,
} as const;

const MAX_DEPTH = 32;

function truncated(what: string): never {
  throw certificateError('ERR_CERTIFICATE_FILE_TRUNCATED', `the file ends inside ${what}: it is truncated`);
}

/** Malformed-structure error naming what was expected. */
export function malformed(what: string): never {
  throw certificateError('ERR_CERTIFICATE_FILE_UNRECOGNIZED', `malformed certificate file: ${what}`);
}

/** Reads the element starting at `offset`. */
export function readTlv(buf: Buffer, offset = 0, depth = 0): Tlv {
  if (depth > MAX_DEPTH) malformed('nesting too deep');
  if (offset + 2 > buf.length) truncated('an element header');
  const first = buf[offset]!;
  if ((first & 0x1f) === 0x1f) malformed('high tag numbers are not used by PKCS#12');
  const constructed = (first & 0x20) !== 0;
  let pos = offset + 1;
  const lenByte = buf[pos++]!;
  if (lenByte === 0x80) return readIndefinite(buf, offset, pos, first, depth);
  let length = lenByte;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    if (n > 4) malformed('element length too large');
    if (pos + n > buf.length) truncated('an element length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
  }
  if (pos + length > buf.length) truncated(`an element of ${length} bytes`);
  return {
    cls: first >> 6,
    constructed,
    tag: first & 0x1f,
    raw: buf.subarray(offset, pos + length),
    content: buf.subarray(pos, pos + length),
    indefinite: false,
  };
}

function readIndefinite(
  buf: Buffer,
  offset: number,
  contentStart: number,
  first: number,
  depth: number,
): Tlv {
  if ((first & 0x20) === 0) malformed('indefinite length on a primitive element');
  let pos = contentStart;
  for (;;) {
    if (pos + 2 > buf.length) truncated('an indefinite-length element');
    if (buf[pos] === 0 && buf[pos + 1] === 0) break;
    pos += readTlv(buf, pos, depth + 1).raw.length;
  }
  return {
    cls: first >> 6,
    constructed: true,
    tag: first & 0x1f,
    raw: buf.subarray(offset, pos + 2),
    content: buf.subarray(contentStart, pos),
    indefinite: true,
  };
}

/** The elements inside a constructed element. */
export function childrenOf(tlv: Tlv, depth = 1): Tlv[] {
  if (!tlv.constructed) malformed('expected a constructed element');
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < tlv.content.length) {
    const child = readTlv(tlv.content, pos, depth);
    out.push(child);
    pos += child.raw.length;
  }
  return out;
}

/** The children of a SEQUENCE (checks the tag). */
export function sequence(tlv: Tlv | undefined, what: string): Tlv[] {
  if (!tlv || tlv.cls !== 0 || tlv.tag !== TAG.SEQUENCE) malformed(`${what} is not a SEQUENCE`);
  return childrenOf(tlv);
}

/** The single element wrapped by an EXPLICIT context tag `[n]`. */
export function explicit(tlv: Tlv | undefined, n: number, what: string): Tlv {
  if (!tlv || tlv.cls !== 2 || tlv.tag !== n || !tlv.constructed)
    malformed(`${what} lacks its [${n}] wrapper`);
  const inner = childrenOf(tlv)[0];
  if (!inner) malformed(`${what} is empty`);
  return inner;
}

/** Dotted OBJECT IDENTIFIER. */
export function oidOf(tlv: Tlv | undefined, what: string): string {
  if (!tlv || tlv.cls !== 0 || tlv.tag !== TAG.OID || tlv.content.length === 0)
    malformed(`${what} is not an OID`);
  const parts: number[] = [];
  let value = 0;
  for (const byte of tlv.content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256) malformed(`${what} has an oversized arc`);
    if ((byte & 0x80) === 0) {
      if (parts.length === 0)
        parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** Bytes of an OCTET STRING (primitive, or constructed BER pieces concatenated), or of any primitive `[n]`. */
export function octetsOf(tlv: Tlv | undefined, what: string): Buffer {
  if (!tlv) malformed(`${what} is missing`);
  if (!tlv.constructed) return tlv.content;
  return Buffer.concat(childrenOf(tlv).map((piece) => octetsOf(piece, what)));
}

/** A non-negative INTEGER that fits a safe JS number (iteration counts, versions, key lengths). */
export function smallIntOf(tlv: Tlv | undefined, what: string): number {
  if (!tlv || tlv.cls !== 0 || tlv.tag !== TAG.INTEGER || tlv.content.length === 0)
    malformed(`${what} is not an INTEGER`);
  if (tlv.content[0]! & 0x80) malformed(`${what} is negative`);
  const bytes = tlv.content.subarray(
    tlv.content.findIndex((b) => b !== 0) === -1 ? tlv.content.length : tlv.content.findIndex((b) => b !== 0),
  );
  // Larger than 2^48 is out of every range we check; report it as such rather than losing precision.
  if (bytes.length > 6) return Number.MAX_SAFE_INTEGER;
  return bytes.reduce((acc, b) => acc * 256 + b, 0);
}

/** Whether `tlv` is a universal element with this tag. */
export function isUniversal(tlv: Tlv | undefined, tag: number): boolean {
  return tlv !== undefined && tlv.cls === 0 && tlv.tag === tag;
}

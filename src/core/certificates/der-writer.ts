/** Minimal DER encoder for the structures s2s writes (PKCS#12 export). Inputs are trusted. */

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One element from its identifier octet and content. */
export function tlv(identifier: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([identifier]), encodeLength(content.length), content]);
}

/** SEQUENCE of already-encoded elements. */
export const derSequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
/** SET OF already-encoded elements, sorted as DER requires (X.690 §11.6). */
export const derSet = (...items: Buffer[]): Buffer =>
  tlv(0x31, Buffer.concat([...items].sort((a, b) => Buffer.compare(a, b))));
/** OCTET STRING. */
export const derOctets = (bytes: Buffer): Buffer => tlv(0x04, bytes);
/** NULL. */
export const derNull = (): Buffer => Buffer.from([0x05, 0x00]);
/** EXPLICIT context tag [n] around encoded elements. */
export const derExplicit = (n: number, ...items: Buffer[]): Buffer => tlv(0xa0 | n, Buffer.concat(items));
/** IMPLICIT primitive context tag [n] over raw content. */
export const derImplicitPrimitive = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);

/** Non-negative INTEGER. */
export function derInteger(value: number): Buffer {
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/** OBJECT IDENTIFIER from dotted form. */
export function derOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const body: number[] = [];
  const values = [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)];
  for (const value of values) {
    const chunk: number[] = [value & 0x7f];
    for (let n = Math.floor(value / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    body.push(...chunk);
  }
  return tlv(0x06, Buffer.from(body));
}

/** BMPString (UTF-16BE). */
export function derBmpString(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return tlv(0x1e, out);
}

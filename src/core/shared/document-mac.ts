/**
 * Integrity of security-relevant stored documents (docs/store.md "Integrity"; docs/security.md §6.4):
 * HMAC-SHA256 under a key derived from the master key (HKDF, purpose `s2s document mac v1`), over the
 * document's kind, key and canonical JSON body, so a MAC cannot be moved to another document or kind.
 * Canonical JSON: members sorted by code unit, no white space, `undefined` members dropped — the same
 * bytes whatever key order a database (PostgreSQL jsonb) hands back.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from './secret-box.ts';

/** The member of a protected body that carries its MAC (`v1.<base64url>`). */
export const DOCUMENT_MAC_MEMBER = '_mac';
const VERSION = 'v1';

/** JSON text with sorted members, for MAC input. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${members.join(',')}}`;
}

/** Computes and checks document MACs with one derived key. */
export class DocumentMac {
  readonly #key: Buffer;

  constructor(box: SecretBox) {
    this.#key = box.deriveKey('s2s document mac v1');
  }

  /** `v1.<base64url HMAC>` of the body (without its MAC member) bound to kind and key. */
  mac(kind: string, key: string, body: unknown): string {
    const h = createHmac('sha256', this.#key);
    h.update(`${VERSION}\0${kind}\0${key}\0`);
    h.update(canonicalJson(JSON.parse(JSON.stringify(body ?? null)) as unknown));
    return `${VERSION}.${h.digest('base64url')}`;
  }

  /** Whether `mac` is the MAC of the body for kind and key (constant-time compare). */
  verify(kind: string, key: string, body: unknown, mac: unknown): boolean {
    if (typeof mac !== 'string') return false;
    const expected = Buffer.from(this.mac(kind, key, body));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/**
 * A cache of validation outcomes that can never outlive what made them true: entries belong to the
 * store version the trust context was built at (a partner disabled, a trust level or certificate
 * changed → new version → every entry dropped), hold the exact header and request authority, and expire
 * with the token (`expiresAt` of the principal) or when a staged roll takes effect. Only acceptances are
 * cached.
 *
 * Slots are found by a cheap hash of the header — its length and 64 characters sampled evenly over it
 * plus its last 16, which lie in the signature bytes (of the token, or of the actor token an act-as
 * token carries), random for every token — and the header is then compared whole: a collision is a
 * miss, never a wrong answer. Hashing the whole header (CRC-32 over ~2 KB) cost ~9% of a cold
 * validation (docs/tokens.md §7).
 */
import { schemeAndAuthority } from '../../core/tokens/index.ts';
import type { ValidationOutcome } from '../../core/tokens/index.ts';

interface Entry {
  readonly hash: number;
  readonly authorization: string;
  readonly authority: string;
  readonly outcome: ValidationOutcome;
  readonly until: number;
}

/** Where a header's entry lives; computed once per request for the lookup and the insertion. */
export interface CacheSlot {
  readonly hash: number;
  readonly authorization: string;
  readonly authority: string;
}

/**
 * 2048 slots in pairs (two-way set-associative by the hash): a header lives in slot `hash & 2047` or its
 * pair `… ^ 1`; a new entry takes its slot and moves the one it displaces to the pair. A fixed table:
 * nothing to evict by scanning (a Map evicting its oldest key walks over the holes its deletions left).
 */
const SLOTS = 2048;
const MASK = SLOTS - 1;

function holds(entry: Entry | undefined, slot: CacheSlot): entry is Entry {
  return (
    entry !== undefined &&
    entry.hash === slot.hash &&
    entry.authorization === slot.authorization &&
    entry.authority === slot.authority
  );
}

export class ValidatedTokenCache {
  #version = -1;
  readonly #entries = new Array<Entry | undefined>(SLOTS).fill(undefined);

  /** The slot of a header for a request URL (null: no header, nothing to cache). */
  slotOf(authorization: string | null | undefined, requestUrl: string | URL): CacheSlot | null {
    if (!authorization) return null;
    return { hash: sampleHash(authorization), authorization, authority: authorityKey(requestUrl) };
  }

  /** A cached acceptance still valid at `nowMs`, for this version, header and request authority. */
  get(version: number, slot: CacheSlot | null, nowMs: number): ValidationOutcome | null {
    if (slot === null || version !== this.#version) return null;
    let i = slot.hash & MASK;
    let entry = this.#entries[i];
    if (!holds(entry, slot)) {
      i ^= 1;
      entry = this.#entries[i];
      if (!holds(entry, slot)) return null;
    }
    if (nowMs >= entry.until) {
      this.#entries[i] = undefined;
      return null;
    }
    return entry.outcome;
  }

  /** Remembers an acceptance until the token expires (or `validUntil`, whichever is first). */
  put(version: number, slot: CacheSlot | null, outcome: ValidationOutcome, validUntil: number): void {
    if (!outcome.ok || slot === null || version < this.#version) return;
    if (version !== this.#version) {
      this.#entries.fill(undefined);
      this.#version = version;
    }
    const i = slot.hash & MASK;
    const displaced = this.#entries[i];
    if (displaced !== undefined && !holds(displaced, slot)) this.#entries[i ^ 1] = displaced;
    this.#entries[i] = {
      hash: slot.hash,
      authorization: slot.authorization,
      authority: slot.authority,
      outcome,
      until: Math.min(outcome.principal.expiresAt.getTime(), validUntil),
    };
  }
}

/** FNV-1a over the length, 64 evenly spaced characters and the last 16 (see the module comment). */
export function sampleHash(s: string): number {
  const n = s.length;
  let h = (0x811c9dc5 ^ n) >>> 0;
  const step = n > 64 ? Math.floor(n / 64) : 1;
  for (let i = 0; i < n; i += step) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  for (let i = Math.max(0, n - 16); i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The audience host check depends on the request's scheme and authority, so they are part of the key:
 * the plain `scheme://authority` prefix as written (no parsing), else what the URL parser reads.
 */
function authorityKey(requestUrl: string | URL): string {
  if (typeof requestUrl === 'string') {
    const prefix = schemeAndAuthority(requestUrl);
    if (prefix !== null) return prefix;
  }
  try {
    const url = typeof requestUrl === 'string' ? new URL(requestUrl) : requestUrl;
    return `${url.protocol}//${url.host}`;
  } catch {
    return '';
  }
}

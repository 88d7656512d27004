/**
 * A cache of validation outcomes that can never outlive what made them true: entries are keyed on the
 * store version the trust context was built at (a partner disabled, a trust level or certificate
 * changed → new version → miss), the exact header and request authority, and expire with the token
 * (`expiresAt` of the principal) or when a staged roll takes effect. Only acceptances are cached.
 */
import type { ValidationOutcome } from '../../core/tokens/index.ts';

interface Entry {
  readonly outcome: ValidationOutcome;
  readonly until: number;
}

const MAX_ENTRIES = 2000;

export class ValidatedTokenCache {
  #version = -1;
  readonly #entries = new Map<string, Entry>();

  /** A cached acceptance still valid at `now`, for this version, header and URL. */
  get(
    version: number,
    authorization: string | null | undefined,
    requestUrl: string | URL,
    now: Date,
  ): ValidationOutcome | null {
    if (version !== this.#version || !authorization) return null;
    const key = cacheKey(authorization, requestUrl);
    const entry = this.#entries.get(key);
    if (!entry) return null;
    if (now.getTime() >= entry.until) {
      this.#entries.delete(key);
      return null;
    }
    return entry.outcome;
  }

  /** Remembers an acceptance until the token expires (or `validUntil`, whichever is first). */
  put(
    version: number,
    authorization: string | null | undefined,
    requestUrl: string | URL,
    outcome: ValidationOutcome,
    validUntil: number,
  ): void {
    if (!outcome.ok || !authorization) return;
    if (version !== this.#version) {
      this.#entries.clear();
      this.#version = version;
    }
    this.#entries.set(cacheKey(authorization, requestUrl), {
      outcome,
      until: Math.min(outcome.principal.expiresAt.getTime(), validUntil),
    });
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

/** The audience host check depends on the request authority, so it is part of the key. */
function cacheKey(authorization: string, requestUrl: string | URL): string {
  let authority: string;
  try {
    authority = (typeof requestUrl === 'string' ? new URL(requestUrl) : requestUrl).host.toLowerCase();
  } catch {
    authority = '';
  }
  return `${authority}\n${authorization}`;
}

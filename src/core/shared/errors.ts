/**
 * One error family with stable codes (docs/architecture.md, convention 4).
 *
 * Every refusal anywhere in s2s is an {@link S2sError} whose `code` is listed in a module's catalog
 * (see `error-catalog.ts`) and in docs/errors.md. Messages are one line, name the cause, and never
 * contain a token, a key, a password or any other secret; typed context goes in `details`.
 */

/** How a failure is classified; drives CLI exit codes and HTTP statuses (docs/errors.md). */
export type ErrorCategory =
  | 'usage' // the caller asked for something malformed (bad flag, bad file format)
  | 'not_found' // the thing named does not exist
  | 'conflict' // someone else changed it first, or it already exists
  | 'refused' // a rule refused it (key too small, token invalid, ...)
  | 'unavailable' // a dependency (database, partner, network) could not be reached
  | 'internal'; // a bug or an invariant broken

/** One entry of an error catalog: what the code means and how an operator fixes it. */
export interface ErrorDefinition {
  readonly category: ErrorCategory;
  /** What happened, in operator terms (one sentence). */
  readonly meaning: string;
  /** What the operator does about it (one sentence). */
  readonly fix: string;
  /** For token refusals: the Exchange-compatible detail code and category name (docs/protocol.md §6.2). */
  readonly diagnostic?: { readonly code: number; readonly category: string };
}

/** One entry of a warning catalog. */
export interface WarningDefinition {
  readonly meaning: string;
  readonly fix: string;
}

/** Declares a module's warnings (keys `WARN_…`). */
export function defineWarnings<const T extends Record<`WARN_${string}`, WarningDefinition>>(catalog: T): T {
  return catalog;
}

/** A module's catalog of codes. Keys must match /^ERR_[A-Z0-9_]+$/. */
export type ErrorCatalog = Readonly<Record<string, ErrorDefinition>>;

/** Declares a catalog while keeping its literal keys for the code union. */
export function defineErrors<const T extends Record<`ERR_${string}`, ErrorDefinition>>(catalog: T): T {
  return catalog;
}

/** Base class of every error s2s raises on purpose. */
export class S2sError extends Error {
  override readonly name: string = 'S2sError';
  /** Stable, documented error code (docs/errors.md). Never reused. */
  readonly code: string;
  readonly category: ErrorCategory;
  /** Typed, secret-free context for scripts (`--json`) and logs. */
  readonly details: Readonly<Record<string, unknown>>;
  /** The one fix that applies here (e.g. the exact command to run), when sharper than the catalog's. */
  readonly fix: string | undefined;
  constructor(
    code: string,
    category: ErrorCategory,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown; fix?: string },
  ) {
    super(
      message.replace(/[\r\n]+/g, ' '),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.category = category;
    this.details = details;
    this.fix = options?.fix;
  }

  /** Plain JSON form for `--json` output and API responses. */
  toJSON(): { code: string; category: ErrorCategory; message: string; details: Record<string, unknown> } {
    return { code: this.code, category: this.category, message: this.message, details: { ...this.details } };
  }
}

/**
 * Builds a typed raiser for one catalog: `const fail = errorFactory(CERT_ERRORS); throw fail('ERR_CERTIFICATE_NOT_FOUND', 'msg')`.
 * The category comes from the catalog, so a code cannot be thrown with the wrong category.
 */
export function errorFactory<T extends ErrorCatalog>(catalog: T) {
  return (code: keyof T & string, message: string, details: Record<string, unknown> = {}, cause?: unknown) =>
    new S2sError(
      code,
      catalog[code]!.category,
      message,
      details,
      cause === undefined ? undefined : { cause },
    );
}

/** True when `err` is an S2sError carrying `code`. */
export function hasCode(err: unknown, code: string): err is S2sError {
  return err instanceof S2sError && err.code === code;
}

/** A non-fatal finding reported beside a result (e.g. a SHA-1 signed certificate). Codes: docs/errors.md. */
export interface Warning {
  /** Stable code, `WARN_…`. */
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

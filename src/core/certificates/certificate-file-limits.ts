/** Limits applied to certificate files before and while parsing them (hostile-file hardening; docs/certificates.md). */

export const CERTIFICATE_FILE_LIMITS = {
  /** Largest file read at all, bytes (real PFX files are a few KiB; chains rarely exceed 20 KiB). */
  maxFileBytes: 1024 * 1024,
  /**
   * Highest PBKDF2 / PKCS#12 KDF / MAC iteration count, checked before deriving anything. OpenSSL writes
   * 2048, Windows 2000 or 10000, modern exporters up to 600000 (OWASP's PBKDF2-SHA256 figure).
   */
  maxIterations: 1_000_000,
  /** Most password-encrypted items in one file (each costs one key derivation). */
  maxEncryptedItems: 16,
  /** Most certificates in one file. */
  maxCertificates: 32,
  /** Wall-clock limit of a parse running in a worker thread, milliseconds. */
  parseTimeoutMs: 30_000,
} as const;

/** The limits type (tests pass smaller ones). */
export type CertificateFileLimits = { readonly [K in keyof typeof CERTIFICATE_FILE_LIMITS]: number };

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
  /**
   * Most key-derivation hash iterations one file may cost in total (the MAC and every encrypted item,
   * each PBKDF2 / PKCS#12 KDF output block counted): the bound on reading time, by work not by clock.
   * A file exported with 600000 iterations for its MAC, certificates and key costs 1.8 million.
   */
  maxWork: 2_500_000,
} as const;

/** The limits type (tests pass smaller ones). */
export type CertificateFileLimits = { readonly [K in keyof typeof CERTIFICATE_FILE_LIMITS]: number };

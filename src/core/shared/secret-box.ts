/**
 * Private keys at rest: AES-256-GCM under the deployment's master key (product requirement; docs/certificates.md).
 * The additional authenticated data binds a sealed secret to what it belongs to (e.g. a thumbprint), so a
 * sealed key cannot be swapped onto another record undetected.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { sharedError } from './shared-errors.ts';

/** JSON form of a sealed secret, as stored. */
export interface SealedSecret {
  readonly alg: 'A256GCM';
  /** First 8 hex chars of SHA-256(master key): tells which key sealed it, reveals nothing. */
  readonly kid: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/** Seals and opens secrets with one 32-byte master key. */
export class SecretBox {
  readonly #key: Buffer;
  readonly keyId: string;

  constructor(masterKey: Uint8Array) {
    if (masterKey.length !== 32) {
      throw sharedError('ERR_MASTER_KEY_INVALID', `master key must be 32 bytes, got ${masterKey.length}`);
    }
    this.#key = Buffer.from(masterKey);
    this.keyId = createHash('sha256').update(this.#key).digest('hex').slice(0, 8);
  }

  /**
   * A 32-byte key for one purpose, derived from the master key with HKDF-SHA256 (RFC 5869); `purpose`
   * is the HKDF info, so keys for different purposes are independent (docs/store.md "Integrity").
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#key, 's2s master key', purpose, 32));
  }

  seal(plaintext: Uint8Array, aad: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      alg: 'A256GCM',
      kid: this.keyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  open(sealed: SealedSecret, aad: string): Buffer {
    if (sealed.kid !== this.keyId) {
      throw sharedError(
        'ERR_MASTER_KEY_INVALID',
        `a private key was sealed with master key ${sealed.kid}, but this server has ${this.keyId}`,
        { sealedWith: sealed.kid, have: this.keyId },
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    } catch (cause) {
      throw sharedError('ERR_MASTER_KEY_INVALID', 'a sealed private key failed authentication', {}, cause);
    }
  }
}

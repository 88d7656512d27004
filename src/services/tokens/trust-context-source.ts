/**
 * Builds the validator's {@link TrustContext} from the store: OAuth configuration, partner documents
 * and our OAuthTokenIssuer material. Rebuilt whenever the store version moves (a partner disabled, a
 * certificate rolled...) or a staged certificate's effective date passes; partner certificates are
 * parsed into KeyObjects once per thumbprint.
 */
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DEFAULT_TOKEN_LIMITS } from '../../core/tokens/index.ts';
import type { TrustContext, TrustedKey, TrustedPartner } from '../../core/tokens/index.ts';
import type {
  PartnerApplication,
  OAuthServerKey,
  SigningMaterial,
  SigningMaterialEntry,
} from '../../core/index.ts';
import { readOAuthServers } from '../oauth-servers/oauth-server-document.ts';
import { readPartners } from '../partners/partner-document.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { headVersionOf, knownHeadVersion } from './store-head.ts';

/** The trust context without its instant, and the store version it was built at. */
export interface TrustSnapshot {
  readonly version: number;
  readonly base: Omit<TrustContext, 'now'>;
  /** When the snapshot must be rebuilt regardless of the version (a staged roll takes effect), ms. */
  readonly validUntil: number;
}

/** Our OAuthTokenIssuer material, through the certificate service. */
export async function signingMaterialOf(deps: ServiceDeps): Promise<SigningMaterial> {
  return deps.ports.signingMaterial.signingMaterial('OAuthTokenIssuer');
}

export class TrustContextSource {
  readonly #deps: ServiceDeps;
  readonly #partnerKeys = new Map<string, KeyObject | null>();
  #snapshot: TrustSnapshot | null = null;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /**
   * The held snapshot when the store tells synchronously that it is still current at `nowMs`; null when
   * only {@link snapshot} can tell (no synchronous head, nothing held, or stale).
   */
  held(nowMs: number): TrustSnapshot | null {
    const held = this.#snapshot;
    if (!held || nowMs >= held.validUntil) return null;
    return knownHeadVersion(this.#deps.store) === held.version ? held : null;
  }

  /** The snapshot for the current store version (rebuilt when stale). */
  async snapshot(): Promise<TrustSnapshot> {
    const version = await headVersionOf(this.#deps.store);
    const now = this.#deps.clock.now().getTime();
    const held = this.#snapshot;
    if (held && held.version === version && now < held.validUntil) return held;
    const built = await this.#build(version);
    // Concurrent rebuilds: never replace a newer snapshot with an older one.
    if (!this.#snapshot || this.#snapshot.version <= version) this.#snapshot = built;
    return built;
  }

  async #build(version: number): Promise<TrustSnapshot> {
    const config = await this.#deps.ports.oauth.get();
    const [records, servers, material] = await Promise.all([
      readPartners(this.#deps.store),
      readOAuthServers(this.#deps.store),
      signingMaterialOf(this.#deps),
    ]);
    const base: Omit<TrustContext, 'now'> = {
      serviceName: config.serviceName.toLowerCase(),
      realm: config.realm.toLowerCase(),
      hostNames: config.hostNames,
      clockSkewSeconds: config.clockSkewSeconds,
      ownKeys: ownKeys(material),
      partners: records.map((r) => this.#trusted(r.partner)),
      oauthServers: servers.map((r) => ({
        server: r.server,
        keys: this.#keys(r.server.keys, 'oauth-server'),
      })),
      limits: { ...DEFAULT_TOKEN_LIMITS, maxLifetimeSeconds: config.maxTokenLifetimeSeconds },
    };
    return {
      version,
      base,
      validUntil: material.staged ? material.staged.effectiveDate.getTime() : Number.POSITIVE_INFINITY,
    };
  }

  #trusted(application: PartnerApplication): TrustedPartner {
    return { application, keys: this.#keys(application.keys, 'partner') };
  }

  #keys(registered: readonly OAuthServerKey[], role: 'partner' | 'oauth-server'): TrustedKey[] {
    const keys: TrustedKey[] = [];
    for (const k of registered) {
      if (k.spki !== undefined) {
        // A bare JWKS key of an OAuth server (docs/hybrid.md "Keys"): selected by a thumbprint-shaped kid, else tried.
        const publicKey = this.#bareKey(k.thumbprint, k.spki);
        if (publicKey)
          keys.push({
            thumbprint: k.thumbprint.toUpperCase(),
            x5t:
              k.kid !== undefined && SHA1_B64URL.test(k.kid)
                ? k.kid
                : Buffer.from(k.thumbprint, 'hex').toString('base64url'),
            publicKey,
            role,
          });
        continue;
      }
      const publicKey = this.#partnerKey(k.thumbprint, k.certificate);
      if (!publicKey) continue;
      keys.push({
        thumbprint: k.thumbprint.toUpperCase(),
        x5t: Buffer.from(k.thumbprint, 'hex').toString('base64url'),
        publicKey,
        role,
      });
    }
    return keys;
  }

  /** Parses a bare SPKI key once per thumbprint; one whose SHA-1 is not its thumbprint is skipped. */
  #bareKey(thumbprint: string, spkiBase64: string): KeyObject | null {
    const id = `spki:${thumbprint.toUpperCase()}`;
    if (!this.#partnerKeys.has(id)) {
      let key: KeyObject | null = null;
      try {
        const der = Buffer.from(spkiBase64, 'base64');
        if (createHash('sha1').update(der).digest('hex').toUpperCase() === thumbprint.toUpperCase())
          key = createPublicKey({ key: der, format: 'der', type: 'spki' });
      } catch {
        key = null;
      }
      this.#partnerKeys.set(id, key);
    }
    return this.#partnerKeys.get(id) ?? null;
  }

  /** Parses a partner certificate once per thumbprint; an unreadable one is skipped (never trusted). */
  #partnerKey(thumbprint: string, certificateBase64: string): KeyObject | null {
    const id = thumbprint.toUpperCase();
    if (!this.#partnerKeys.has(id)) {
      let key: KeyObject | null = null;
      try {
        const x509 = new X509Certificate(Buffer.from(certificateBase64, 'base64'));
        // The thumbprint must be the certificate's own (never trust a thumbprint taken from metadata).
        if (x509.fingerprint.replace(/:/g, '') === id) key = x509.publicKey;
      } catch {
        key = null;
      }
      this.#partnerKeys.set(id, key);
    }
    return this.#partnerKeys.get(id) ?? null;
  }
}

const SHA1_B64URL = /^[A-Za-z0-9_-]{26}[AEIMQUYcgkosw048]$/;

function ownKeys(material: SigningMaterial): TrustedKey[] {
  const keys: TrustedKey[] = [];
  const add = (e: SigningMaterialEntry | null, role: TrustedKey['role']) => {
    if (e && !keys.some((k) => k.thumbprint === e.thumbprint))
      keys.push({ thumbprint: e.thumbprint, x5t: e.x5t, publicKey: e.publicKey, role });
  };
  add(material.current, 'current');
  add(material.previous, 'previous');
  add(material.staged, 'staged');
  return keys;
}

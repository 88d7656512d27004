/**
 * What issuing a token reads from the store — partner records, the OAuth configuration and our signing
 * material — kept for one store version (store-head.ts) and, while a roll is staged, only until its
 * effective date: a cold `issue()` then costs the RSA signature and little else. Each piece is read on
 * first use, in the order `issue()` needs it, so refusals come in the same order as without the cache.
 */
import type { OAuthConfiguration, SigningMaterial } from '../../core/index.ts';
import { readPartner } from '../partners/partner-document.ts';
import type { PartnerRecord } from '../partners/partner-document.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { headVersionOf } from './store-head.ts';
import { signingMaterialOf } from './trust-context-source.ts';

/** Partner records kept per version (a deployment has a handful; the bound only stops abuse). */
const MAX_PARTNERS = 1000;

interface Held {
  readonly version: number;
  /** ms: the staged roll's effective date once the material is read (the current certificate changes). */
  until: number;
  readonly partners: Map<string, PartnerRecord | undefined>;
  material?: SigningMaterial;
  config?: OAuthConfiguration;
}

/** The issuing state of one TokenService. */
export class IssuingState {
  readonly #deps: ServiceDeps;
  #held: Held | null = null;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** The state for the store version now current at `nowMs`. */
  async at(nowMs: number): Promise<IssuingView> {
    const version = await headVersionOf(this.#deps.store);
    const held = this.#held;
    if (held && held.version === version && nowMs < held.until) return new IssuingView(this.#deps, held);
    const fresh: Held = { version, until: Number.POSITIVE_INFINITY, partners: new Map() };
    if (!this.#held || this.#held.version <= version) this.#held = fresh;
    return new IssuingView(this.#deps, fresh);
  }
}

/** Lazy, cached reads of one version's issuing state. */
export class IssuingView {
  readonly #deps: ServiceDeps;
  readonly #held: Held;

  constructor(deps: ServiceDeps, held: Held) {
    this.#deps = deps;
    this.#held = held;
  }

  /** The partner record of `identity` (undefined when there is none). */
  async partner(identity: string): Promise<PartnerRecord | undefined> {
    const partners = this.#held.partners;
    if (partners.has(identity)) return partners.get(identity);
    const record = await readPartner(this.#deps.store, identity);
    if (partners.size < MAX_PARTNERS) partners.set(identity, record);
    return record;
  }

  /** Our OAuthTokenIssuer material (the certificate service resolves current/previous/staged). */
  async material(): Promise<SigningMaterial> {
    if (this.#held.material) return this.#held.material;
    const material = await signingMaterialOf(this.#deps);
    this.#held.material = material;
    if (material.staged)
      this.#held.until = Math.min(this.#held.until, material.staged.effectiveDate.getTime());
    return material;
  }

  /** The OAuth configuration (service name, realm, lifetimes). */
  async config(): Promise<OAuthConfiguration> {
    return (this.#held.config ??= await this.#deps.ports.oauth.get());
  }
}

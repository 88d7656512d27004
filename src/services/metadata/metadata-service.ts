/**
 * Publishing our own metadata (docs/metadata.md): the legacy metadata document, OIDC discovery and the
 * JWKS (docs/protocol.md §1.1, §10, §11), built at request time from the OAuth configuration and our signing
 * material, so a staged certificate appears at once. Partner records and their refresh are PartnerService's.
 */
import type { OAuthConfiguration, SigningMaterial } from '../../core/index.ts';
import {
  buildJwks,
  buildMetadataDocument,
  buildOpenIdConfiguration,
  publishedOrigin,
} from '../../core/metadata/index.ts';
import type { AuthMetadataDocument, OpenIdConfiguration, PublishedJwk } from '../../core/metadata/index.ts';
import type { ServiceDeps } from '../service-deps.ts';

/** Builds our documents from the OAuth configuration, the signing material and the clock. */
export class MetadataService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** `/metadata/json/1`, as requested on `requestUrl`. */
  async document(requestUrl: string): Promise<AuthMetadataDocument> {
    const [config, material] = await Promise.all([this.#config(), this.#material()]);
    return buildMetadataDocument(config, material, this.#deps.clock.now(), requestUrl);
  }

  /** `/.well-known/openid-configuration` for the host of `requestUrl`. */
  async openIdConfiguration(requestUrl: string): Promise<OpenIdConfiguration> {
    return buildOpenIdConfiguration(await this.#config(), requestUrl);
  }

  /** The JWKS. */
  async jwks(): Promise<{ keys: PublishedJwk[] }> {
    return buildJwks(await this.#material(), this.#deps.clock.now());
  }

  /**
   * The origin our public documents name for a request made on `requestUrl`: a configured host name, never
   * the request's Host (docs/security.md "Host header").
   */
  async publishedOrigin(requestUrl: string): Promise<string> {
    const config = await this.#config();
    return publishedOrigin(requestUrl, config.hostNames, this.#deps.nodeName);
  }

  /** The URL `s2s metadata show` builds the document for when none is given: our first host name, else the node. */
  async defaultUrl(): Promise<string> {
    const config = await this.#config();
    return `https://${config.hostNames[0] ?? this.#deps.nodeName}/metadata/json/1`;
  }

  #config(): Promise<OAuthConfiguration> {
    return this.#deps.ports.oauth.get();
  }

  #material(): Promise<SigningMaterial> {
    return this.#deps.ports.signingMaterial.signingMaterial('OAuthTokenIssuer');
  }
}

/**
 * The narrow interfaces through which one application service reaches another (docs/architecture.md,
 * "Wiring"). Each names only what its consumers call, so no service imports another service's module and
 * `services/` has no import circle; src/main/deployment.ts binds them to the concrete services once.
 */
import type {
  CertificateIdentity,
  CertificateUsage,
  OAuthConfiguration,
  SigningMaterial,
  Warning,
} from '../core/index.ts';
import type { StoredDocument } from '../store/document-store.ts';
import type { IssueUser } from './tokens/issue-request.ts';

/** The deployment's OAuth configuration (OAuthService). */
export interface OAuthConfigPort {
  find(): Promise<StoredDocument<OAuthConfiguration> | undefined>;
  /** Throws ERR_NOT_INITIALIZED when the deployment has none. */
  get(): Promise<OAuthConfiguration>;
}

/** The certificates a usage signs or serves with (CertificateService.signingMaterial). */
export interface SigningMaterialPort {
  signingMaterial(usage: CertificateUsage, identity?: CertificateIdentity): Promise<SigningMaterial>;
}

/** Asks for a partner's metadata to be fetched again (PartnerService.requestRefresh). */
export interface PartnerRefreshPort {
  requestRefresh(identity: string, reason: 'unknown-x5t', x5t: string | null): unknown;
}

/** Completes an offline certificate request with the CA's response (CaService.importResponse). */
export interface CaResponsePort {
  importResponse(input: { certificates: Buffer[] }): Promise<{ readonly warnings?: readonly Warning[] }>;
}

/** What automatic renewal asks a CA for (CaService.submitCsr; docs/renewal.md). */
export interface CaIssuerRequest {
  /** `internal`, an https:// enrollment URL, or an ACME directory. */
  readonly target:
    | { readonly kind: 'internal' }
    | { readonly kind: 'enrollment'; readonly url: string }
    | { readonly kind: 'acme'; readonly directoryUrl: string };
  readonly csrPem: string;
  readonly template: string;
  readonly account?: string | undefined;
  readonly password?: string | undefined;
  readonly acmeEmail?: string | undefined;
}

/** Sends a PKCS#10 request to an online CA and returns the issued chain as PEM, leaf first. */
export interface CaIssuerPort {
  submitCsr(request: CaIssuerRequest): Promise<string>;
}

/** Issues our own S2S tokens (TokenService.issue). */
export interface TokenIssuerPort {
  issue(request: {
    readonly partner: string;
    readonly host: string;
    readonly user?: IssueUser;
    /** Ask an OAuth server for a new actor token even when one is cached (the connectivity test). */
    readonly fresh?: boolean;
  }): Promise<{
    readonly token: string;
    readonly expiresAt: Date;
    readonly oauthServer?: {
      readonly identity: string;
      readonly type: string;
      readonly resource: string;
      readonly cached: boolean;
      readonly durationMs: number;
    };
  }>;
}

/** Every port, bound once by the composition root. */
export interface ServicePorts {
  readonly oauth: OAuthConfigPort;
  readonly signingMaterial: SigningMaterialPort;
  readonly partnerRefresh: PartnerRefreshPort;
  /** Absent where no CA service is wired (a certificate-only file is then refused). */
  readonly caResponses?: CaResponsePort | undefined;
  /** Absent where no CA service is wired (automatic renewal then fails with ERR_CERTIFICATE_RENEWAL_FAILED). */
  readonly caIssuer?: CaIssuerPort | undefined;
  readonly tokenIssuer: TokenIssuerPort;
}

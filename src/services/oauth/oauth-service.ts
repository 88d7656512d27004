/** The global OAuth configuration: realm, service name, token lifetimes (Get/Set-CsOAuthConfiguration). */
import { z } from 'zod';
import { OAUTH_DEFAULTS, sharedError } from '../../core/index.ts';
import type { OAuthConfiguration, Warning } from '../../core/index.ts';
import type { StoredDocument } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';

const KIND = 'oauth-config';
const KEY = 'global';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A DNS name (realm, SIP domain) or a GUID realm (tenants, SharePoint farms). */
const REALM = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** A URL authority: host name plus an optional port. */
const AUTHORITY =
  /^(?=.{1,253}(:\d{1,5})?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;

/** Fields an administrator may change with `oauth set`. */
export interface OAuthConfigurationPatch {
  realm?: string;
  serviceName?: string;
  actorTokenLifetimeSeconds?: number;
  outerTokenLifetimeSeconds?: number;
  clockSkewSeconds?: number;
  maxTokenLifetimeSeconds?: number;
  hostNames?: readonly string[];
  sha1CertificatePolicy?: 'warn' | 'error';
  metadataRefreshSeconds?: number;
}

const configSchema = z.object({
  realm: z.string().regex(REALM, 'realm must be a DNS name such as contoso.com (lower case)'),
  serviceName: z.string().regex(GUID, 'service name must be a lower-case GUID'),
  actorTokenLifetimeSeconds: z
    .number()
    .int()
    .min(60)
    .max(24 * 3600),
  outerTokenLifetimeSeconds: z
    .number()
    .int()
    .min(60)
    .max(24 * 3600),
  clockSkewSeconds: z.number().int().min(0).max(3600),
  maxTokenLifetimeSeconds: z
    .number()
    .int()
    .min(60)
    .max(24 * 3600),
  hostNames: z
    .array(
      z.string().regex(AUTHORITY, 'host names are URL authorities such as pool.contoso.com or host:8443'),
    )
    .max(64),
  sha1CertificatePolicy: z.enum(['warn', 'error']),
  metadataRefreshSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600),
});

/** Normalizes and validates a configuration; throws ERR_INVALID_INPUT naming the first bad field. */
export function validateOAuthConfiguration(input: OAuthConfiguration): OAuthConfiguration {
  const normalized = {
    ...input,
    realm: input.realm.trim().toLowerCase(),
    serviceName: input.serviceName.trim().toLowerCase(),
    hostNames: [...new Set(input.hostNames.map((h) => h.trim().toLowerCase()))],
  };
  const parsed = configSchema.safeParse(normalized);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw sharedError('ERR_INVALID_INPUT', `${issue.path.join('.') || 'configuration'}: ${issue.message}`, {
      field: issue.path.join('.'),
    });
  }
  return Object.freeze(parsed.data);
}

export class OAuthService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** The stored configuration document, or undefined before `init`. */
  async find(): Promise<StoredDocument<OAuthConfiguration> | undefined> {
    return this.#deps.store.get<OAuthConfiguration>(KIND, KEY);
  }

  /** The configuration; throws ERR_NOT_INITIALIZED before `init`. */
  async get(): Promise<OAuthConfiguration> {
    const doc = await this.find();
    if (!doc)
      throw sharedError(
        'ERR_NOT_INITIALIZED',
        'the store is not initialized: run `s2s init --realm <sip domain>`',
      );
    return withDefaults(doc.body);
  }

  /** Creates the configuration (`s2s init`); refused when one exists unless `force`. */
  async initialize(input: {
    realm: string;
    serviceName?: string;
    hostNames?: readonly string[];
    force?: boolean;
  }): Promise<OAuthConfiguration> {
    const existing = await this.find();
    if (existing && !input.force) {
      throw sharedError(
        'ERR_ALREADY_INITIALIZED',
        `the store at ${this.#deps.store.location} is already initialized (realm ${existing.body.realm}); use --force to re-initialize`,
      );
    }
    const config = validateOAuthConfiguration({
      ...OAUTH_DEFAULTS,
      ...(existing?.body ?? {}),
      realm: input.realm,
      serviceName: input.serviceName ?? existing?.body.serviceName ?? OAUTH_DEFAULTS.serviceName,
      hostNames: input.hostNames ?? existing?.body.hostNames ?? [],
    });
    await this.#deps.store.write([
      { op: 'put', kind: KIND, key: KEY, body: config, expect: existing ? existing.version : 'absent' },
    ]);
    return config;
  }

  /**
   * Changes settings. serviceName, realm and the issuer built from them must stay stable once partners
   * trust us (Exchange refuses a metadata refresh that changes them, docs/protocol.md §1.3 step 5), so changing
   * them while partners exist needs `force`.
   */
  async update(
    patch: OAuthConfigurationPatch,
    options: { force?: boolean } = {},
  ): Promise<{ config: OAuthConfiguration; warnings: Warning[] }> {
    const doc = await this.find();
    if (!doc)
      throw sharedError(
        'ERR_NOT_INITIALIZED',
        'the store is not initialized: run `s2s init --realm <sip domain>`',
      );
    const next = validateOAuthConfiguration({ ...withDefaults(doc.body), ...definedOnly(patch) });
    const warnings: Warning[] = [];
    const identityChanged = next.realm !== doc.body.realm || next.serviceName !== doc.body.serviceName;
    if (identityChanged) {
      const partners = await this.#deps.store.list('partner');
      if (partners.length > 0 && !options.force) {
        throw sharedError(
          'ERR_OAUTH_IDENTITY_CHANGE',
          `changing the realm or service name changes our issuer; ${partners.length} partner(s) trust the current one and will refuse our metadata until re-registered: repeat with --force to proceed`,
          { partners: partners.length },
        );
      }
      if (partners.length > 0) {
        warnings.push({
          code: 'WARN_ISSUER_CHANGED',
          message: 'our issuer changed: every partner must re-register our metadata URL',
        });
      }
    }
    if (next.outerTokenLifetimeSeconds > next.actorTokenLifetimeSeconds) {
      warnings.push({
        code: 'WARN_OUTER_LIFETIME_CAPPED',
        message:
          'outer token lifetime exceeds the actor token lifetime; outer tokens are capped at the actor expiry',
      });
    }
    if (next.actorTokenLifetimeSeconds > next.maxTokenLifetimeSeconds) {
      warnings.push({
        code: 'WARN_TOKEN_LIFETIME_OVER_MAXIMUM',
        message: `our actor tokens (${next.actorTokenLifetimeSeconds} s) live longer than the maximum token lifetime we accept (${next.maxTokenLifetimeSeconds} s): servers of our pool will refuse them`,
      });
    }
    await this.#deps.store.write([{ op: 'put', kind: KIND, key: KEY, body: next, expect: doc.version }]);
    return { config: next, warnings };
  }
}

/** A configuration stored before a setting existed reads with that setting's default. */
function withDefaults(body: OAuthConfiguration): OAuthConfiguration {
  const stored: Partial<OAuthConfiguration> = body;
  return {
    ...body,
    maxTokenLifetimeSeconds: stored.maxTokenLifetimeSeconds ?? OAUTH_DEFAULTS.maxTokenLifetimeSeconds,
  };
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Which server the connectivity test targets, and where its storage service lives: a registered partner
 * application, or — with `--partner self` when no partner of that name exists — this deployment itself
 * (the `npm start` demo; a deployment cannot register its own metadata as a partner, ERR_PARTNER_IS_SELF).
 */
import { PRINCIPAL_IDS } from '../../core/index.ts';
import type { PartnerApplication, TrustLevel } from '../../core/index.ts';
import { STORAGE_API_PREFIX, storageError } from '../../core/storage/index.ts';
import type { ServiceDeps } from '../service-deps.ts';

/** The reserved target name for this deployment itself. */
export const SELF_TARGET = 'self';

/** What the test talks to. */
export interface TestTarget {
  readonly identity: string;
  readonly kind: 'partner' | 'self';
  readonly trustLevel: TrustLevel;
  /** Storage base URL, without a trailing slash. */
  readonly endpoint: string;
  readonly metadataUrl: string | null;
  /** The OAuth server the partner is trusted through (docs/hybrid.md), or null. */
  readonly oauthServer: string | null;
  /** When our copy of the partner's metadata was last fetched. */
  readonly refreshedAt: string | null;
}

/**
 * The named partner; without a name, the only Exchange partner (the storage partner of a Skype server,
 * docs/protocol.md §5.5), else the only partner. Refuses a disabled one: no token is sent to it.
 */
export async function findTestTarget(deps: ServiceDeps, identity: string | undefined): Promise<TestTarget> {
  const name = identity?.trim().toLowerCase();
  const partner =
    name === undefined
      ? await soleCandidate(deps)
      : (await deps.store.get<PartnerApplication>('partner', name))?.body;
  if (!partner && name === SELF_TARGET) return selfTarget(deps);
  if (!partner) {
    throw storageError(
      'ERR_CONNECTIVITY_PARTNER_NOT_FOUND',
      `no partner application '${identity}' is registered`,
      { partner: identity ?? null },
    );
  }
  if (!partner.enabled) {
    throw storageError('ERR_CONNECTIVITY_PARTNER_DISABLED', `partner ${partner.identity} is disabled`, {
      partner: partner.identity,
    });
  }
  return {
    identity: partner.identity,
    kind: 'partner',
    trustLevel: partner.trustLevel,
    endpoint: storageEndpointOf(partner),
    metadataUrl: partner.metadataUrl,
    oauthServer: partner.useOAuthServer ?? null,
    refreshedAt: partner.refresh.lastSuccessAt,
  };
}

/** The partner's storage base URL: its registered storage URL, else the origin of its metadata URL. */
export function storageEndpointOf(
  partner: Pick<PartnerApplication, 'identity' | 'storageUrl' | 'metadataUrl'>,
): string {
  if (partner.storageUrl) return partner.storageUrl.replace(/\/+$/, '');
  if (partner.metadataUrl) return `${new URL(partner.metadataUrl).origin}${STORAGE_API_PREFIX}`;
  throw storageError(
    'ERR_CONNECTIVITY_NO_ENDPOINT',
    `partner ${partner.identity} has neither a storage URL nor a metadata URL`,
    { partner: partner.identity },
  );
}

/** This deployment, addressed by its first configured host name. */
async function selfTarget(deps: ServiceDeps): Promise<TestTarget> {
  const config = await deps.ports.oauth.get();
  const host = config.hostNames[0];
  if (!host) {
    throw storageError(
      'ERR_CONNECTIVITY_NO_ENDPOINT',
      'this deployment has no host names to address itself by: set them with `s2s oauth set --host-names`',
    );
  }
  return {
    identity: SELF_TARGET,
    kind: 'self',
    trustLevel: 'Full',
    endpoint: `https://${host}${STORAGE_API_PREFIX}`,
    metadataUrl: `https://${host}/metadata/json/1`,
    oauthServer: null,
    refreshedAt: null,
  };
}

async function soleCandidate(deps: ServiceDeps): Promise<PartnerApplication | undefined> {
  const partners = (await deps.store.list<PartnerApplication>('partner')).map((d) => d.body);
  const exchange = partners.filter((p) => p.applicationIdentifier === PRINCIPAL_IDS.exchange);
  const pool = exchange.length === 1 ? exchange : partners;
  if (pool.length === 1) return pool[0];
  if (pool.length === 0) {
    throw storageError(
      'ERR_CONNECTIVITY_PARTNER_NOT_FOUND',
      'no partner application is registered: register one with `s2s partner new` (or test this deployment with --partner self)',
    );
  }
  throw storageError(
    'ERR_CONNECTIVITY_PARTNER_NOT_FOUND',
    `several partners are registered (${pool.map((p) => p.identity).join(', ')}): name one with --partner`,
    {
      partners: pool.map((p) => p.identity),
    },
  );
}

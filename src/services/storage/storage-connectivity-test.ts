/**
 * Test-CsExStorageConnectivity (docs/protocol.md §5.5, §6.3): find the partner's storage endpoint from its
 * registration, build the act-as token for the user, write a test item into the folder, read it back,
 * and delete it when asked. Each step is timed and reported; the first failure names cause and fix.
 */
import { randomUUID } from 'node:crypto';
import { S2sError } from '../../core/index.ts';
import { normalizeSip, parseMailboxFolder, storageError } from '../../core/storage/index.ts';
import type { MailboxFolder } from '../../core/storage/index.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { ConnectivityStepRunner } from './connectivity-steps.ts';
import type { ConnectivityEvent, ConnectivityStep } from './connectivity-steps.ts';
import { isTransportFailure, PartnerHttpsClient } from './partner-https-client.ts';
import { diagnoseResponse, diagnoseTransport, safeJson } from './partner-response-diagnosis.ts';
import { findTestTarget } from './tested-partner.ts';
import type { TestTarget } from './tested-partner.ts';
import { issueActAsToken } from './act-as-token.ts';

export interface ConnectivityOptions {
  /** `sip:user@domain` (the prefix is optional). */
  readonly sipUri: string;
  /** Partner identity; default: the only enabled Exchange partner, else the only partner. */
  readonly partner?: string | undefined;
  /** ConversationHistory (default), Inbox or Dumpster. */
  readonly folder?: string | undefined;
  readonly deleteItem?: boolean | undefined;
  /** Live progress. */
  readonly onStep?: ((event: ConnectivityEvent) => void) | undefined;
}

export interface ConnectivityReport {
  readonly partner: string;
  readonly endpoint: string;
  readonly sipUri: string;
  readonly folder: MailboxFolder;
  /** The test item's id on the partner (still there when not deleted). */
  readonly itemId: string;
  readonly deleted: boolean;
  readonly steps: readonly ConnectivityStep[];
}

interface RunState {
  target?: TestTarget;
}

/** Runs the test; resolves the report, or throws the failing step's S2sError with `details.steps`. */
export async function runConnectivityTest(
  deps: ServiceDeps,
  options: ConnectivityOptions,
): Promise<ConnectivityReport> {
  const sip = normalizeSip(options.sipUri);
  const folder = parseMailboxFolder(options.folder ?? 'ConversationHistory');
  const runner = new ConnectivityStepRunner(options.onStep);
  const state: RunState = {};
  const client = await PartnerHttpsClient.open(deps.store);
  try {
    const report = await runSteps(deps, client, runner, state, {
      sip,
      folder,
      deleteItem: options.deleteItem === true,
      partner: options.partner,
    });
    return report;
  } catch (err) {
    throw withSteps(err, runner.steps, state);
  } finally {
    await client.close();
  }
}

async function runSteps(
  deps: ServiceDeps,
  client: PartnerHttpsClient,
  runner: ConnectivityStepRunner,
  state: RunState,
  o: { sip: string; folder: MailboxFolder; deleteItem: boolean; partner: string | undefined },
): Promise<ConnectivityReport> {
  const partner = await runner.run('partner', async () => {
    const target = (state.target = await findTestTarget(deps, o.partner));
    return {
      value: target,
      detail: `${target.identity} (${target.kind === 'self' ? 'this deployment' : `trust ${target.trustLevel}`}) at ${target.endpoint}`,
    };
  });
  const endpoint = partner.endpoint;
  await checkMetadata(client, runner, partner);
  const host = new URL(endpoint).host;
  await obtainActor(deps, runner, partner, host);
  const authorization = await runner.run('token', async () => ({
    value: await issueActAsToken(deps, partner, host, o.sip),
    detail: `act-as token for sip:${o.sip}, audience host ${host}`,
  }));
  const call = callPartner(client, partner.identity, authorization);
  const itemsUrl = `${endpoint}/users/${encodeURIComponent(o.sip)}/folders/${o.folder}/items`;
  const subject = `s2s storage connectivity test ${deps.clock.now().toISOString()}`;
  const itemId = await runner.run('write', async () => {
    const created = (await call('POST', itemsUrl, {
      subject,
      body: 'Written by s2s test storage-connectivity (Test-CsExStorageConnectivity); safe to delete.',
      itemClass: 'IPM.Note',
    })) as { id?: unknown };
    if (typeof created?.id !== 'string')
      throw storageError(
        'ERR_CONNECTIVITY_BAD_RESPONSE',
        `partner ${partner.identity} created an item but returned no id`,
      );
    return { value: created.id, detail: `item ${created.id} created in ${o.folder}` };
  });
  const itemUrl = `${itemsUrl}/${encodeURIComponent(itemId)}`;
  await runner.run('read', async () => {
    const read = (await call('GET', itemUrl)) as { subject?: unknown };
    if (read?.subject !== subject)
      throw storageError(
        'ERR_CONNECTIVITY_BAD_RESPONSE',
        `the item read back from ${partner.identity} differs from the one written`,
        { itemId },
      );
    return { value: undefined, detail: `item ${itemId} read back intact` };
  });
  if (o.deleteItem) {
    await runner.run('delete', async () => ({
      value: await call('DELETE', itemUrl),
      detail: `item ${itemId} deleted`,
    }));
  } else {
    runner.skip('delete', `item ${itemId} left in ${o.folder} (use --delete-item to remove it)`);
  }
  return {
    partner: partner.identity,
    endpoint,
    sipUri: `sip:${o.sip}`,
    folder: o.folder,
    itemId,
    deleted: o.deleteItem,
    steps: runner.steps,
  };
}

/**
 * For a partner behind an OAuth server (docs/hybrid.md): the actor token is requested from the server
 * now (or taken from the cache), so its duration and any refusal show as a step of their own.
 */
async function obtainActor(
  deps: ServiceDeps,
  runner: ConnectivityStepRunner,
  partner: TestTarget,
  host: string,
): Promise<void> {
  if (partner.oauthServer === null) {
    runner.skip(
      'actor',
      'the partner is trusted directly: our OAuthTokenIssuer certificate signs the actor token',
    );
    return;
  }
  await runner.run('actor', async () => {
    const issued = await deps.ports.tokenIssuer.issue({ partner: partner.identity, host, fresh: true });
    const from = issued.oauthServer;
    const how = from?.cached ? 'cached' : `obtained in ${from?.durationMs ?? 0} ms`;
    return {
      value: undefined,
      detail: `actor token from OAuth server ${from?.identity ?? partner.oauthServer} (${from?.type ?? '?'}) for ${from?.resource ?? host}, ${how}, valid until ${issued.expiresAt.toISOString()}`,
    };
  });
}

/** Fetches the partner's metadata document: proves the partner is up and its TLS certificate is trusted. */
async function checkMetadata(
  client: PartnerHttpsClient,
  runner: ConnectivityStepRunner,
  partner: TestTarget,
): Promise<void> {
  const url = partner.metadataUrl;
  if (!url) {
    runner.skip(
      'metadata',
      partner.oauthServer === null
        ? 'the partner is registered by certificate, not by metadata URL'
        : `the partner is trusted through OAuth server ${partner.oauthServer}, whose metadata holds the keys`,
    );
    return;
  }
  await runner.run('metadata', async () => {
    const res = await client.send('GET', url, { accept: 'application/json' });
    if (isTransportFailure(res)) throw diagnoseTransport(res, url, 'metadata');
    if (res.status !== 200 || safeJson(res.text) === null) {
      throw storageError(
        'ERR_CONNECTIVITY_METADATA_UNREACHABLE',
        `${url} answered ${res.status} without a metadata document`,
        { url, status: res.status },
      );
    }
    const age = partner.refreshedAt ? `; our copy was refreshed at ${partner.refreshedAt}` : '';
    return { value: undefined, detail: `${url} answered 200${age}` };
  });
}

/** A JSON call to the partner's storage service with the bearer token; maps every failure. */
function callPartner(client: PartnerHttpsClient, partner: string, authorization: string) {
  return async (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<unknown> => {
    const headers = {
      authorization,
      accept: 'application/json',
      'client-request-id': randomUUID(),
      'user-agent': 's2s-storage-connectivity',
    };
    const res = await client.send(method, url, headers, body);
    if (isTransportFailure(res)) throw diagnoseTransport(res, url, 'storage');
    if (res.status < 200 || res.status > 299) throw diagnoseResponse(res, partner);
    return res.status === 204 ? null : safeJson(res.text);
  };
}

/** Re-raises a failure with the steps so far in its details (the CLI prints them; `--json` includes them). */
function withSteps(err: unknown, steps: readonly ConnectivityStep[], state: RunState): unknown {
  if (!(err instanceof S2sError)) return err;
  const details = {
    ...err.details,
    partner: state.target?.identity ?? null,
    endpoint: state.target?.endpoint ?? null,
    steps: [...steps],
  };
  return new S2sError(err.code, err.category, err.message, details, { cause: err });
}

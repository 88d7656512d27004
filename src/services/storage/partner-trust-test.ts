/**
 * `s2s partner test` (Test-CsPartnerApplication-like; docs/storage.md "Partner trust test"): checks the
 * trust between this deployment and one partner in both directions without touching a mailbox:
 * 1. the registration (enabled, where it is served), 2. the partner's metadata document, fetched now over
 * TLS we trust, with at least one signing key, 3. an app-only token for the partner's host, 4. a call to
 * the partner's metadata-protected endpoint (`GET <storage>/folders`, app scope), which succeeds only when
 * the partner trusts OUR metadata. The first failure stops the run and names what is missing.
 */
import { S2sError, ALL_ERRORS, sharedError } from '../../core/index.ts';
import { storageError } from '../../core/storage/index.ts';
import { SELF_PARTNER_IDENTITY } from '../../core/partners/partner-identity.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { isTransportFailure, PartnerHttpsClient } from './partner-https-client.ts';
import { diagnoseResponse, diagnoseTransport, safeJson } from './partner-response-diagnosis.ts';
import { findTestTarget } from './tested-partner.ts';
import type { TestTarget } from './tested-partner.ts';

export const PARTNER_TEST_STEPS = [
  { name: 'partner', title: 'Find the partner registration' },
  { name: 'metadata', title: "Fetch the partner's metadata document and its signing keys" },
  { name: 'token', title: 'Issue an app-only token for the partner' },
  { name: 'call', title: "Call the partner's metadata-protected endpoint with it" },
] as const;

export type PartnerTestStepName = (typeof PARTNER_TEST_STEPS)[number]['name'];

export interface PartnerTestStep {
  readonly name: PartnerTestStepName;
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly durationMs: number;
  readonly detail: string | null;
  readonly error?: { readonly code: string; readonly message: string; readonly fix: string };
}

export interface PartnerTestReport {
  readonly partner: string;
  readonly endpoint: string;
  readonly steps: readonly PartnerTestStep[];
}

class Steps {
  readonly steps: PartnerTestStep[] = [];
  async run<T>(name: PartnerTestStepName, fn: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const title = PARTNER_TEST_STEPS.find((s) => s.name === name)!.title;
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const { value, detail } = await fn();
      this.steps.push({ name, title, status: 'passed', durationMs: ms(), detail });
      return value;
    } catch (err) {
      const failure =
        err instanceof S2sError
          ? err
          : sharedError(
              'ERR_INTERNAL',
              `${name} step failed: ${err instanceof Error ? err.message : 'unexpected'}`,
            );
      const fix = ALL_ERRORS[failure.code]?.fix ?? '';
      this.steps.push({
        name,
        title,
        status: 'failed',
        durationMs: ms(),
        detail: null,
        error: { code: failure.code, message: failure.message, fix },
      });
      throw failure;
    }
  }
  skip(name: PartnerTestStepName, detail: string): void {
    const title = PARTNER_TEST_STEPS.find((s) => s.name === name)!.title;
    this.steps.push({ name, title, status: 'skipped', durationMs: 0, detail });
  }
}

/** Runs the test; resolves the report, or throws the failing step's error with `details.steps`. */
export async function runPartnerTrustTest(deps: ServiceDeps, identity: string): Promise<PartnerTestReport> {
  const steps = new Steps();
  const client = await PartnerHttpsClient.open(deps.store);
  let target: TestTarget | undefined;
  try {
    target = await steps.run('partner', async () => {
      const t = await findTestTarget(deps, identity);
      return { value: t, detail: `${t.identity} (trust ${t.trustLevel}), served at ${t.endpoint}` };
    });
    const partner = target;
    if (!partner.metadataUrl) steps.skip('metadata', 'registered by certificate, not by metadata URL');
    else
      await steps.run('metadata', async () => {
        const url = partner.metadataUrl!;
        const res = await client.send('GET', url, { accept: 'application/json' });
        if (isTransportFailure(res)) throw diagnoseTransport(res, url, 'metadata');
        const doc = safeJson(res.text) as { keys?: unknown; issuer?: unknown; id?: unknown } | null;
        if (res.status !== 200 || doc === null || typeof doc !== 'object')
          throw storageError(
            'ERR_CONNECTIVITY_METADATA_UNREACHABLE',
            `${url} answered ${res.status} without a metadata document`,
            { url, status: res.status },
          );
        const keys = Array.isArray(doc.keys) ? doc.keys.length : 0;
        if (keys === 0)
          throw storageError(
            'ERR_CONNECTIVITY_METADATA_UNREACHABLE',
            `${url} publishes no signing key: the partner cannot sign tokens we would accept`,
            { url },
          );
        return {
          value: undefined,
          detail: `${url} answered 200 with ${keys} signing key${keys === 1 ? '' : 's'}`,
        };
      });
    const host = new URL(partner.endpoint).host;
    const authorization = await steps.run('token', async () => {
      const issued = await deps.ports.tokenIssuer.issue({
        partner: partner.kind === 'partner' ? partner.identity : SELF_PARTNER_IDENTITY,
        host,
      });
      return { value: `Bearer ${issued.token}`, detail: `app-only token, audience host ${host}` };
    });
    await steps.run('call', async () => {
      const url = `${partner.endpoint}/folders`;
      const res = await client.send('GET', url, {
        authorization,
        accept: 'application/json',
        'user-agent': 's2s-partner-test',
      });
      if (isTransportFailure(res)) throw diagnoseTransport(res, url, 'storage');
      if (res.status < 200 || res.status > 299) throw diagnoseResponse(res, partner.identity);
      return {
        value: undefined,
        detail: `GET ${url} answered ${res.status}: the partner accepted our token`,
      };
    });
    return { partner: partner.identity, endpoint: partner.endpoint, steps: steps.steps };
  } catch (err) {
    if (!(err instanceof S2sError)) throw err;
    throw new S2sError(
      err.code,
      err.category,
      err.message,
      { ...err.details, partner: target?.identity ?? identity, steps: [...steps.steps] },
      { cause: err },
    );
  } finally {
    await client.close();
  }
}

/**
 * Partners and OAuth servers (docs/console.md "Partners"): the list with trust level, state and metadata
 * freshness; a new partner by metadata URL, whose fetched metadata is shown for review before it is trusted;
 * enable/disable, refresh now and remove.
 */
import { useState } from 'preact/hooks';
import { ApiError, call } from '../api.ts';
import { bytes, readAsBase64 } from '../files.ts';
import { canChange } from '../roles.ts';
import { Card, Outcome, ErrorBox, Field, PageHeading, Select, Status, Table, useLoad, when } from '../ui.tsx';

interface PartnerView {
  partner: {
    identity: string;
    applicationIdentifier: string;
    realm: string;
    trustLevel: string;
    enabled: boolean;
    metadataUrl: string | null;
    keys: { x5t?: string; thumbprint?: string; notAfter?: string }[];
    refresh: { lastSuccessAt?: string | null; lastError?: { code: string; message: string } | null };
    useOAuthServer?: string | null;
  };
}

interface OAuthServerView {
  server: { identity: string; metadataUrl: string; type: string; realm: string };
  partners: string[];
}

interface Preview {
  serviceName: string;
  realm: string;
  issuer: string | null;
  keys: { x5t: string; thumbprint: string; keyBits: number; notAfter: string }[];
  url: string;
  warnings: { code: string; message: string }[];
}

export function Partners(props: { role: string }) {
  const partners = useLoad(() => call<PartnerView[]>('partners.list'), []);
  const servers = useLoad(
    () =>
      call<OAuthServerView[]>('oauthServers.list').catch((e: unknown) => {
        // A deployment without OAuth server support answers "unknown operation": show none.
        if (e instanceof ApiError && e.status === 404) return [];
        throw e;
      }),
    [],
  );
  const writable = canChange(props.role, 'partners');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const act = (what: string, run: () => Promise<unknown>) => {
    setError(null);
    setNotice('');
    run().then(() => {
      setNotice(what);
      partners.reload();
    }, setError);
  };
  return (
    <>
      <PageHeading>Partners and OAuth servers</PageHeading>
      <Outcome error={partners.error ?? error} notice={notice} />
      <Card title="Partner applications">
        <Table
          caption="Partner applications this deployment trusts"
          columns={
            writable
              ? ['Name', 'Application id', 'Trust', 'State', 'Metadata', 'Actions']
              : ['Name', 'Application id', 'Trust', 'State', 'Metadata']
          }
          empty="No partner application yet."
          rows={(partners.data ?? []).map(({ partner: p }) => (
            <tr key={p.identity}>
              <td>{p.identity}</td>
              <td>
                <code>{p.applicationIdentifier}</code>@{p.realm}
                {p.useOAuthServer ? <div class="hint">through {p.useOAuthServer}</div> : null}
              </td>
              <td>{p.trustLevel}</td>
              <td>
                {p.enabled ? <Status kind="ok">enabled</Status> : <Status kind="warn">disabled</Status>}
              </td>
              <td>
                {p.metadataUrl ? <div>{p.metadataUrl}</div> : 'certificate'}
                <div class="hint">last refresh {when(p.refresh.lastSuccessAt ?? null)}</div>
                {p.refresh.lastError ? <Status kind="bad">{p.refresh.lastError.code}</Status> : null}
              </td>
              {writable ? (
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`${p.enabled ? 'Disable' : 'Enable'} ${p.identity}`}
                      onClick={() =>
                        act(`${p.identity} ${p.enabled ? 'disabled' : 'enabled'}.`, () =>
                          call('partners.update', p.identity, { enabled: !p.enabled }),
                        )
                      }
                    >
                      {p.enabled ? 'Disable' : 'Enable'}
                    </button>
                    {p.metadataUrl ? (
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`Refresh ${p.identity} now`}
                        onClick={() =>
                          act(`${p.identity} refreshed.`, () => call('partners.refresh', p.identity))
                        }
                      >
                        Refresh now
                      </button>
                    ) : null}
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Remove ${p.identity}`}
                      onClick={() => {
                        if (
                          window.confirm(
                            `Remove the partner ${p.identity}? Its tokens will be refused at once.`,
                          )
                        )
                          act(`${p.identity} removed.`, () => call('partners.remove', p.identity));
                      }}
                    >
                      Remove
                    </button>
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        />
      </Card>
      <Card title="OAuth servers">
        <ErrorBox error={servers.error} />
        <Table
          caption="Authorization servers (hybrid deployments)"
          columns={
            writable
              ? ['Name', 'Type', 'Realm', 'Metadata URL', 'Partners through it', 'Actions']
              : ['Name', 'Type', 'Realm', 'Metadata URL', 'Partners through it']
          }
          empty="No OAuth server is registered."
          rows={(servers.data ?? []).map(({ server: s, partners: through }) => (
            <tr key={s.identity}>
              <td>{s.identity}</td>
              <td>{s.type}</td>
              <td>{s.realm}</td>
              <td>{s.metadataUrl}</td>
              <td>{through.join(', ') || '—'}</td>
              {writable ? (
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Refresh ${s.identity} now`}
                      onClick={() =>
                        act(`${s.identity} refreshed.`, () => call('oauthServers.refresh', s.identity))
                      }
                    >
                      Refresh now
                    </button>
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Remove ${s.identity}`}
                      onClick={() => {
                        if (window.confirm(`Remove the OAuth server ${s.identity}?`))
                          act(`${s.identity} removed.`, () =>
                            call('oauthServers.remove', s.identity).then(servers.reload),
                          );
                      }}
                    >
                      Remove
                    </button>
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        />
      </Card>
      {writable ? (
        <>
          <NewPartner onDone={partners.reload} />
          <NewPartnerByCertificate onDone={partners.reload} />
          <NewOAuthServer onDone={servers.reload} />
        </>
      ) : null}
    </>
  );
}

function NewPartner(props: { onDone: () => void }) {
  const [identity, setIdentity] = useState('');
  const [url, setUrl] = useState('');
  const [trust, setTrust] = useState('Full');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  return (
    <Card title="New partner by metadata URL">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setNotice('');
          if (!preview) {
            call<Preview>('partners.preview', { metadataUrl: url }).then(setPreview, setError);
            return;
          }
          call('partners.create', { identity, metadataUrl: url, trustLevel: trust }).then(() => {
            setNotice(`${identity} is trusted (${trust}).`);
            setPreview(null);
            setIdentity('');
            setUrl('');
            props.onDone();
          }, setError);
        }}
      >
        <Field label="Name (identity)" name="p-identity" value={identity} onInput={setIdentity} required />
        <Field
          label="Metadata URL"
          name="p-url"
          type="url"
          value={url}
          onInput={(v) => {
            setUrl(v);
            setPreview(null);
          }}
          required
          hint="https://server/metadata/json/1 — fetched over verified TLS."
        />
        <Select
          label="Trust level"
          name="p-trust"
          value={trust}
          options={['Full', 'Application']}
          onChange={setTrust}
        />
        {preview ? (
          <section aria-label="Fetched metadata" class="card">
            <h3>Fetched metadata — review before trusting</h3>
            <dl class="facts">
              <dt>Service name</dt>
              <dd>
                <code>{preview.serviceName}</code>
              </dd>
              <dt>Realm</dt>
              <dd>{preview.realm}</dd>
              <dt>Issuer</dt>
              <dd>{preview.issuer ?? '—'}</dd>
              <dt>Signing keys</dt>
              <dd>
                {preview.keys.map((k) => (
                  <div key={k.x5t}>
                    <code>{k.thumbprint}</code> RSA {k.keyBits}, valid until {k.notAfter.slice(0, 10)}
                  </div>
                ))}
              </dd>
            </dl>
            {preview.warnings.map((w) => (
              <p class="warning" key={w.code}>
                {w.code}: {w.message}
              </p>
            ))}
          </section>
        ) : null}
        <Outcome error={error} notice={notice} />
        <div class="actions">
          <button type="submit">{preview ? `Trust ${identity || 'partner'}` : 'Fetch metadata'}</button>
        </div>
      </form>
    </Card>
  );
}

/** A partner without a metadata document: its principal id, realm and signing certificate (.cer, PEM). */
function NewPartnerByCertificate(props: { onDone: () => void }) {
  const [identity, setIdentity] = useState('');
  const [appId, setAppId] = useState('');
  const [realm, setRealm] = useState('');
  const [trust, setTrust] = useState('Full');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  return (
    <Card title="New partner by certificate">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!file) return;
          setError(null);
          setNotice('');
          void readAsBase64(file)
            .then((b64) =>
              call('partners.create', {
                identity,
                applicationIdentifier: appId,
                realm,
                certificate: bytes(b64),
                trustLevel: trust,
              }),
            )
            .then(() => {
              setNotice(`${identity} is trusted (${trust}).`);
              props.onDone();
            }, setError);
        }}
      >
        <Field label="Name (identity)" name="pc-identity" value={identity} onInput={setIdentity} required />
        <Field
          label="Application identifier"
          name="pc-app"
          value={appId}
          onInput={setAppId}
          required
          hint="The partner's principal id, e.g. 00000002-0000-0ff1-ce00-000000000000 for Exchange."
        />
        <Field label="Realm" name="pc-realm" value={realm} onInput={setRealm} required />
        <div class="field">
          <label for="f-pc-file">Signing certificate (.cer, PEM or base64)</label>
          <input
            id="f-pc-file"
            type="file"
            required
            onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
          />
        </div>
        <Select
          label="Trust level"
          name="pc-trust"
          value={trust}
          options={['Full', 'Application']}
          onChange={setTrust}
        />
        <Outcome error={error} notice={notice} />
        <div class="actions">
          <button type="submit">Trust by certificate</button>
        </div>
      </form>
    </Card>
  );
}

/** An authorization server (hybrid): ACS metadata or OpenID Connect discovery, fetched under the same rules. */
function NewOAuthServer(props: { onDone: () => void }) {
  const [identity, setIdentity] = useState('');
  const [url, setUrl] = useState('');
  const [type, setType] = useState('');
  const [realm, setRealm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  return (
    <Card title="New OAuth server">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setNotice('');
          call('oauthServers.create', {
            identity,
            metadataUrl: url,
            ...(type ? { type } : {}),
            ...(realm ? { realm } : {}),
          }).then(() => {
            setNotice(`${identity} is registered.`);
            props.onDone();
          }, setError);
        }}
      >
        <Field label="Name (identity)" name="os-identity" value={identity} onInput={setIdentity} required />
        <Field
          label="Metadata URL"
          name="os-url"
          type="url"
          value={url}
          onInput={setUrl}
          required
          hint="ACS: …/metadata/json/1; OpenID Connect: …/.well-known/openid-configuration"
        />
        <Select
          label="Type"
          name="os-type"
          value={type}
          options={[
            ['', 'From the URL'],
            ['acs', 'ACS'],
            ['oauth2', 'OAuth 2.0 / OpenID Connect'],
          ]}
          onChange={setType}
        />
        <Field label="Realm (tenant id, optional)" name="os-realm" value={realm} onInput={setRealm} />
        <Outcome error={error} notice={notice} />
        <div class="actions">
          <button type="submit">Register the OAuth server</button>
        </div>
      </form>
    </Card>
  );
}

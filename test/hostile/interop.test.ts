/**
 * Interoperability written from docs/protocol.md alone: Exchange-, SharePoint- and ACS-style tokens built by hand
 * (§2.3/§2.4: string or number nbf/exp, Microsoft member order, `trustedfordelegation`, nii values, `kid`)
 * must be accepted from registered partners; Exchange- and SharePoint-shaped metadata documents (§1.2) must
 * register; and our own metadata document must satisfy an independent re-implementation of Exchange's
 * parser (§1.3) whose certificate then verifies our tokens.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeCertificate } from '../fixtures/certificates.ts';
import {
  EXCHANGE,
  HOST,
  hostileWorld,
  LYNC,
  REALM,
  SHAREPOINT,
  signRaw,
  URL_OK,
} from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

let w: HostileWorld;
let now: number;
before(async () => {
  w = await hostileWorld();
  now = Math.floor(w.clock.now().getTime() / 1000);
});
after(async () => w.close());

const AUD = `${LYNC}/${HOST}@${REALM}`;
const unsigned = (header: string, payload: string) =>
  `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}.`;

async function accepted(token: string) {
  const out = await w.d.services.tokens.validate({ authorization: `Bearer ${token}`, requestUrl: URL_OK });
  assert.ok(out.ok, out.ok ? '' : `${out.refusal.code}: ${out.refusal.message}`);
  return out.principal;
}

describe('tokens written the way Microsoft servers write them', () => {
  test('Exchange app-only actor (LocalTokenIssuer): string nbf/exp, Exchange member order', async () => {
    const c = w.exchange.cert;
    const header = `{"typ":"JWT","alg":"RS256","x5t":"${c.x5t}"}`;
    const payload = `{"aud":"${AUD}","iss":"${EXCHANGE}@${REALM}","nbf":"${now - 10}","exp":"${now + 86400}","nameid":"${EXCHANGE}@${REALM}","trustedfordelegation":"true"}`;
    const p = await accepted(signRaw(header, payload, c.privateKey));
    assert.equal(p.mode, 'app');
    assert.equal(p.partnerIdentity, 'microsoft.exchange');
  });

  test('Exchange act-as (DJM capture shape): outer {"alg":"none","typ":"JWT"}, numeric times, MicrosoftOnline nii', async () => {
    const c = w.exchange.cert;
    const actor = signRaw(
      `{"typ":"JWT","alg":"RS256","x5t":"${c.x5t}"}`,
      `{"aud":"${AUD}","iss":"${EXCHANGE}@${REALM}","nbf":"${now - 10}","exp":"${now + 86400}","nameid":"${EXCHANGE}@${REALM}","trustedfordelegation":"true"}`,
      c.privateKey,
    );
    const outerToken = unsigned(
      '{"alg":"none","typ":"JWT"}',
      `{"aud":"${AUD}","iss":"${EXCHANGE}@${REALM}","nbf":${now - 10},"exp":${now + 28800},"nameid":"10032001E2CBE43B","nii":"urn:federation:MicrosoftOnline","sip":"user@contoso.com","smtp":"user@contoso.com","upn":"user@contoso.com","actortoken":"${actor}"}`,
    );
    const p = await accepted(outerToken);
    assert.equal(p.mode, 'user');
    assert.equal(p.user?.nii, 'urn:federation:MicrosoftOnline');
    assert.equal(p.user?.smtp, 'user@contoso.com');
  });

  test('SharePoint high-trust act-as (SPDOC): lower-case SID nameid, activedirectory nii, no smtp/sip/upn', async () => {
    const c = w.sharepoint.cert;
    const actor = signRaw(
      `{"typ":"JWT","alg":"RS256","x5t":"${c.x5t}"}`,
      `{"aud":"${AUD}","iss":"${SHAREPOINT}@${REALM}","nbf":"${now - 10}","exp":"${now + 43200}","nameid":"${SHAREPOINT}@${REALM}","trustedfordelegation":"true"}`,
      c.privateKey,
    );
    const outerToken = unsigned(
      '{"typ":"JWT","alg":"none"}',
      `{"aud":"${AUD}","iss":"${SHAREPOINT}@${REALM}","nbf":"${now - 10}","exp":"${now + 43200}","nameid":"s-1-5-21-2127521184-1604012920-1887927527-415","nii":"urn:office:idp:activedirectory","actortoken":"${actor}"}`,
    );
    const p = await accepted(outerToken);
    assert.equal(p.user?.nameid, 's-1-5-21-2127521184-1604012920-1887927527-415');
  });

  test('ACS-style header (x5t and kid equal), numeric times, iat, and upper-case ids compared case-insensitively', async () => {
    const c = w.exchange.cert;
    const header = `{"typ":"JWT","alg":"RS256","x5t":"${c.x5t}","kid":"${c.x5t}"}`;
    const payload = `{"aud":"${LYNC.toUpperCase()}/${HOST}@${REALM.toUpperCase()}","iss":"${EXCHANGE.toUpperCase()}@${REALM}","iat":${now},"nbf":${now - 10},"exp":${now + 3600},"nameid":"${EXCHANGE}@${REALM}","trustedfordelegation":"true"}`;
    await accepted(signRaw(header, payload, c.privateKey));
  });

  test('a header without typ (RFC 7515 makes it optional) and without x5t (every key of that issuer tried)', async () => {
    const c = w.exchange.cert;
    const payload = `{"aud":"${AUD}","iss":"${EXCHANGE}@${REALM}","nbf":"${now - 10}","exp":"${now + 3600}","nameid":"${EXCHANGE}@${REALM}"}`;
    await accepted(signRaw('{"alg":"RS256"}', payload, c.privateKey));
  });
});

describe('metadata documents shaped like Exchange and SharePoint (§1.2)', () => {
  let server: Server;
  let base: string;
  const docs: Record<string, string> = {};
  before(async () => {
    server = createServer((req, res) =>
      res.writeHead(docs[req.url ?? ''] ? 200 : 404).end(docs[req.url ?? ''] ?? ''),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('an Exchange-shaped document registers and its tokens validate; an SP-shaped one (\\/, no realm) too', async () => {
    const exCert = await makeCertificate({ subject: 'CN=ex2.fabrikam.com', freshKey: true });
    const spCert = await makeCertificate({ subject: 'CN=sp2.fabrikam.com', freshKey: true });
    const exId = '00000002-0000-0ff1-ce00-000000000000';
    docs['/autodiscover/metadata/json/1'] =
      `{"id":"_5f1c2d7e-0a4b-4c55-9e1e-2b0c7a9d1f00","version":"1.0","name":"Exchange","realm":"fabrikam.com","serviceName":"${exId}","issuer":"${exId}@fabrikam.com","allowedAudiences":["${exId}@fabrikam.com"],"keys":[{"usage":"signing","keyinfo":{"x5t":"i_gz5qfYp5YPWAK1__0YhZnipLI"},"keyvalue":{"type":"x509Certificate","value":"${exCert.der.toString('base64')}"}}],"endpoints":[{"location":"https://mail.fabrikam.com/autodiscover/metadata/json/1","protocol":"OAuth2","usage":"metadata"}]}`;
    const spRealm = 'af90cc03-4a26-45e9-906a-609cebcebbde';
    docs['/_layouts/15/metadata/json/1'] =
      `{"issuer":"${SHAREPOINT}@${spRealm}","keys":[{"keyValue":{"type":"x509certificate","value":"${spCert.der.toString('base64').replaceAll('/', '\\/')}"},"usage":"Signing"}],"name":"${SHAREPOINT}","serviceName":"${SHAREPOINT}"}`;
    const ex = await w.d.services.partners.create({
      identity: 'exchange-fabrikam',
      metadataUrl: `${base}/autodiscover/metadata/json/1`,
      allowInsecureHttp: true,
    });
    assert.equal(ex.partner.partner.realm, 'fabrikam.com');
    assert.equal(
      ex.partner.partner.keys[0]?.thumbprint,
      exCert.thumbprint,
      'keyinfo.x5t ignored, thumbprint recomputed',
    );
    const sp = await w.d.services.partners.create({
      identity: 'sharepoint-farm',
      metadataUrl: `${base}/_layouts/15/metadata/json/1`,
      allowInsecureHttp: true,
    });
    assert.equal(sp.partner.partner.realm, spRealm);
    assert.equal(sp.partner.partner.keys[0]?.thumbprint, spCert.thumbprint);
  });
});

/** Exchange's AuthMetadataParser (docs/protocol.md §1.3), re-implemented from the text alone. */
function exchangeParse(text: string): {
  serviceName: string;
  realm: string;
  issuer: string | null;
  certs: Buffer[];
} {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const get = (o: Record<string, unknown>, name: string) =>
    Object.entries(o).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  let serviceName: string;
  let realm: string;
  let issuer: string | null = null;
  if (get(doc, 'version') === 'Exchange/1.0') {
    serviceName = String(get(doc, 'serviceName'));
    realm = String(get(doc, 'realm'));
    issuer = String(get(doc, 'issuer'));
  } else {
    const issValue = get(doc, 'issuer');
    const iss = typeof issValue === 'string' ? issValue : '';
    const at = iss.indexOf('@');
    if (at > 0) {
      serviceName = iss.slice(0, at);
      realm = iss.slice(at + 1);
    } else {
      serviceName = String(get(doc, 'serviceName'));
      realm = String(get(doc, 'realm'));
    }
  }
  if (!serviceName) throw new Error('missing service name');
  const certs: Buffer[] = [];
  for (const key of (get(doc, 'keys') as Array<Record<string, unknown>>) ?? []) {
    const kv = get(key, 'keyvalue') as Record<string, unknown> | undefined;
    if (String(get(key, 'usage')).toLowerCase() !== 'signing' || !kv) continue;
    if (String(get(kv, 'type')).toLowerCase() !== 'x509certificate') continue;
    const raw = get(kv, 'value');
    const value = typeof raw === 'string' ? raw : '';
    if (value) certs.push(Buffer.from(value, 'base64'));
  }
  if (certs.length === 0 || certs.length > 10) throw new Error(`bad key count ${certs.length}`);
  return { serviceName, realm, issuer, certs };
}

describe('our metadata document, read by an independent Exchange-style parser', () => {
  test('principal, realm, issuer and certificates come out as Exchange would store them; x5t matches SHA-1', async () => {
    const ours = await w.d.services.metadata.document(`https://${HOST}/metadata/json/1`);
    const text = JSON.stringify(ours);
    const parsed = exchangeParse(text);
    assert.equal(parsed.serviceName, LYNC);
    assert.equal(parsed.realm, REALM);
    assert.equal(`${parsed.serviceName}@${parsed.realm}`, (ours as unknown as { issuer: string }).issuer);
    const cert = new X509Certificate(parsed.certs[0]!);
    assert.equal(cert.fingerprint.replaceAll(':', ''), w.us.cert.thumbprint);
    const keys = (ours as unknown as { keys: Array<{ keyinfo: { x5t: string } }> }).keys;
    assert.equal(keys[0]?.keyinfo.x5t, createHash('sha1').update(parsed.certs[0]!).digest('base64url'));
    assert.doesNotMatch(text, /PRIVATE/);
  });

  test('a token we issue verifies with the certificate taken from our document (independent check)', async () => {
    await w.d.services.partners.create({
      identity: 'exchange-target',
      applicationIdentifier: '00000002-0000-0ff1-ce00-000000000000',
      realm: 'target.example',
      certificate: w.exchange.cert.der,
    });
    const issued = await w.d.services.tokens.issue({
      partner: 'exchange-target',
      host: 'mail.target.example',
    });
    const parsed = exchangeParse(
      JSON.stringify(await w.d.services.metadata.document(`https://${HOST}/metadata/json/1`)),
    );
    const [h, p, s] = issued.actorToken.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(header.alg, 'RS256');
    const signer = parsed.certs.find((d) => createHash('sha1').update(d).digest('base64url') === header.x5t);
    assert.ok(signer, 'x5t names a certificate of our document');
    assert.ok(
      verify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        new X509Certificate(signer).publicKey,
        Buffer.from(s, 'base64url'),
      ),
    );
    for (const [k, v] of Object.entries(claims))
      assert.equal(typeof v, 'string', `claim ${k} is a string (§2.1)`);
    assert.equal(claims.aud, `00000002-0000-0ff1-ce00-000000000000/mail.target.example@target.example`);
    assert.equal(claims.iss, `${LYNC}@${REALM}`);
    assert.equal(claims.nameid, claims.iss);
    assert.match(String(claims.nbf), /^\d+$/);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { createRequest, generateKeyPair, toPem, x509 } from '../../src/ca/index.ts';
import { caRoutes } from '../../src/adapters/http/routes/ca-routes.ts';
import { testCaDeployment, testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';

/** A CA server deployment (A) serving /ca/enroll over real HTTPS on 127.0.0.1, and a requester (B). */
describe('online enrollment through the CA endpoint over HTTPS', () => {
  let app: FastifyInstance;
  let url: string;
  let server: Awaited<ReturnType<typeof testCaDeployment>>;
  let requester: Awaited<ReturnType<typeof testCaDeployment>>;

  before(async () => {
    server = await testCaDeployment({ nodeName: 'ca.contoso.com' });
    await server.ca.authority.init({ keys: testCaKeys() });
    await server.ca.authority.accounts.add('enroller', 'correct horse battery');
    // The CA server's own TLS certificate, issued by itself for 127.0.0.1.
    const tlsKeys = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
    const csr = await createRequest(
      { subject: 'CN=ca.contoso.com', dnsNames: ['ca.contoso.com'], ipAddresses: ['127.0.0.1'] },
      tlsKeys,
    );
    const issued = await server.ca.authority.issue({ csr, template: 'WebServer', account: null });
    app = Fastify({
      https: {
        key: tlsKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }),
        cert: toPem(issued.certificate),
      },
    });
    await app.register(caRoutes({ ca: server.ca }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    requester = await testCaDeployment({ nodeName: 'fe1.contoso.com' });
    await requester.ca.trustedRoots.add((await server.ca.authority.caChain())[0]!);
  });
  after(async () => {
    await app?.close();
  });

  test('right credentials: issued, installed, assigned and valid on the requesting deployment', async () => {
    const outcome = await requester.ca.request({
      usages: ['Default'],
      ca: url,
      caAccount: 'enroller',
      caPassword: 'correct horse battery',
    });
    assert.equal(outcome.kind, 'issued');
    if (outcome.kind !== 'issued') return;
    assert.equal(outcome.result.status.status, 'valid');
    assert.deepEqual(outcome.result.assigned, ['Default']);
    const log = await server.ca.authority.issued();
    assert.ok(log.some((i) => i.thumbprint === outcome.result.thumbprint && i.account === 'enroller'));
  });

  test('wrong credentials are refused with ERR_CA_ACCOUNT_INVALID and leave no pending request', async () => {
    await assert.rejects(
      requester.ca.request({
        usages: ['Default'],
        ca: url,
        caAccount: 'enroller',
        caPassword: 'wrong password!!',
      }),
      { code: 'ERR_CA_ACCOUNT_INVALID' },
    );
    await assert.rejects(
      requester.ca.request({
        usages: ['Default'],
        ca: url,
        caAccount: 'nobody',
        caPassword: 'correct horse battery',
      }),
      { code: 'ERR_CA_ACCOUNT_INVALID' },
    );
    assert.deepEqual(await requester.ca.listRequests(), []);
  });

  test('an unknown template is refused by the CA with its own code', async () => {
    await assert.rejects(
      requester.ca.request({
        usages: ['Default'],
        ca: url,
        caAccount: 'enroller',
        caPassword: 'correct horse battery',
        template: 'Nope',
      }),
      { code: 'ERR_CA_TEMPLATE_UNKNOWN' },
    );
  });

  test('without credentials the endpoint answers 401 with a Basic challenge', async () => {
    const response = await app.inject({ method: 'POST', url: '/ca/enroll', payload: { csr: 'x' } });
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['www-authenticate']), /^Basic/);
  });

  test('GET /ca/crl serves a CRL signed by the CA', async () => {
    const [issued] = await server.ca.authority.issued();
    await server.ca.authority.revoke(issued!.serialNumber);
    const response = await app.inject({ method: 'GET', url: '/ca/crl' });
    assert.equal(response.headers['content-type'], 'application/pkix-crl');
    const crl = new x509.X509Crl(new Uint8Array(response.rawPayload));
    const root = new x509.X509Certificate(new Uint8Array((await server.ca.authority.caChain())[0]!));
    assert.equal(await crl.verify({ publicKey: root.publicKey }), true);
    assert.ok(crl.findRevoked(issued!.serialNumber));
  });
});

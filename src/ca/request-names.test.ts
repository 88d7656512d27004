import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRequestNames, includedSipDomains } from './request-names.ts';
import type { RequestNameInput } from './request-names.ts';

const base: RequestNameInput = {
  usages: [],
  poolFqdn: 'pool.contoso.com',
  nodeFqdn: 'fe1.contoso.com',
  realm: 'contoso.com',
  sipDomains: [],
  allSipDomains: false,
  additionalNames: [],
};

describe('computeRequestNames: subject and SANs per usage', () => {
  const cases: Array<[string[], string, string[]]> = [
    [['OAuthTokenIssuer'], 'CN=contoso.com', ['contoso.com']],
    [['Default'], 'CN=pool.contoso.com', ['pool.contoso.com', 'fe1.contoso.com', 'sip.contoso.com']],
    [
      ['WebServicesInternal'],
      'CN=pool.contoso.com',
      ['pool.contoso.com', 'fe1.contoso.com', 'lyncdiscoverinternal.contoso.com'],
    ],
    [
      ['WebServicesExternal'],
      'CN=pool.contoso.com',
      ['pool.contoso.com', 'lyncdiscover.contoso.com', 'meet.contoso.com', 'dialin.contoso.com'],
    ],
    [['XMPPServer'], 'CN=pool.contoso.com', ['pool.contoso.com', 'fe1.contoso.com']],
    [
      ['Default', 'OAuthTokenIssuer'],
      'CN=pool.contoso.com',
      ['pool.contoso.com', 'fe1.contoso.com', 'sip.contoso.com', 'contoso.com'],
    ],
  ];
  for (const [usages, subject, dnsNames] of cases) {
    test(`${usages.join('+')} → ${subject}`, () => {
      assert.deepEqual(computeRequestNames({ ...base, usages }), { subject, dnsNames });
    });
  }

  test('--sip-domain, --all-sip-domains and --domain-name add names, deduplicated and lower-cased', () => {
    const names = computeRequestNames({
      ...base,
      usages: ['OAuthTokenIssuer'],
      sipDomains: ['Fabrikam.com'],
      allSipDomains: true,
      additionalNames: ['future.example', 'CONTOSO.com'],
    });
    assert.deepEqual(names.dnsNames, ['contoso.com', 'fabrikam.com', 'future.example']);
    assert.deepEqual(
      includedSipDomains({ realm: 'contoso.com', sipDomains: ['fabrikam.com'], allSipDomains: false }),
      ['fabrikam.com'],
    );
  });

  test('organization and geography go into the subject, escaped', () => {
    const names = computeRequestNames({
      ...base,
      usages: ['Default'],
      organization: 'Contoso, Ltd',
      organizationalUnit: 'IT',
      city: 'Redmond',
      state: 'WA',
      country: 'us',
    });
    assert.equal(names.subject, 'CN=pool.contoso.com, OU=IT, O=Contoso\\, Ltd, L=Redmond, ST=WA, C=US');
  });
});

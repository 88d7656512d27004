/**
 * The web console end to end in real Chromium (docs/console.md), against two real s2s servers on
 * 127.0.0.1: sign in; the certificate wizard online (built-in CA) and offline (PKCS#10 downloaded, signed by
 * another CA with openssl, its response uploaded) to "Assigned"; a roll with an effective date; a partner
 * added by the metadata URL of a second deployment, its metadata reviewed first; the connectivity test; a
 * refusal appearing on the dashboard without a reload; the audit entry of the change; a read-only
 * administrator who sees no change control; a keyboard-only pass of the wizard; axe-core on every page.
 * Screenshots of each step: test-artifacts/console/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { runS2s, startServerNode } from '../fixtures/s2s-process.ts';
import type { ServerNode } from '../fixtures/s2s-process.ts';
import { launchChromium, newContext, screenshot, seriousViolations } from './browser.ts';

const noTestContext = { after: () => undefined } as unknown as TestContext;
const PASSWORD = { alice: 'correct horse battery staple 1', reader: 'tranquil meadow lantern 22' };

let dir: string;
let envA: Record<string, string>;
let envB: Record<string, string>;
let serverA: ServerNode | undefined;
let serverB: ServerNode | undefined;
let baseA = '';
let baseB = '';
let browser: Browser | undefined;

async function s2s(env: Record<string, string>, ...argv: string[]): Promise<string> {
  const r = await runS2s(argv, env);
  assert.equal(r.code, 0, `s2s ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A raw HTTPS request to a test server (its certificate comes from its own throw-away root). */
function send(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function step(page: Page, name: string): Promise<string> {
  return screenshot(page, name);
}

async function axe(page: Page, where: string): Promise<void> {
  const found = await seriousViolations(page);
  assert.deepEqual(found, [], `axe on ${where}: ${JSON.stringify(found)}`);
}

async function signIn(context: BrowserContext, name: 'alice' | 'reader'): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(`${baseA}/console/`);
  await page.getByLabel('Administrator name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD[name]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return page;
}

async function openPage(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: link }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 's2s-console-flows-'));
  envA = {
    S2S_HOME: join(dir, 'a'),
    S2S_MASTER_KEY: randomBytes(32).toString('base64'),
    S2S_NODE: 'fe1.contoso.com',
  };
  envB = {
    S2S_HOME: join(dir, 'b'),
    S2S_MASTER_KEY: randomBytes(32).toString('base64'),
    S2S_NODE: 'fe1.fabrikam.com',
    S2S_REALM: 'fabrikam.com',
  };
  serverA = startServerNode(noTestContext, ['--bootstrap', '--listen', '127.0.0.1:0'], envA);
  serverB = startServerNode(noTestContext, ['--bootstrap', '--listen', '127.0.0.1:0'], envB);
  [baseA, baseB] = await Promise.all([serverA.ready, serverB.ready]);
  for (const [name, role] of [
    ['alice', 'full'],
    ['reader', 'read-only'],
  ] as const) {
    const file = join(dir, `${name}.pw`);
    writeFileSync(file, PASSWORD[name], { mode: 0o600 });
    await s2s(envA, 'admin', 'add', '--name', name, '--role', role, '--password-file', file);
  }
  await s2s(envA, 'ca', 'init', '--trust-for-tls');
  // A trusts B's TLS root, so that B's metadata URL can be fetched (the README's partner steps).
  writeFileSync(join(dir, 'b-root.pem'), await s2s(envB, 'trusted-root', 'export'));
  await s2s(envA, 'trusted-root', 'add', '--path', join(dir, 'b-root.pem'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.all([serverA?.stop(), serverB?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a full administrator', () => {
  let context: BrowserContext;
  let page: Page;
  before(async () => {
    context = await newContext(browser!);
    page = await signIn(context, 'alice');
  });
  after(() => context?.close());

  test('signs in and sees the deployment on the dashboard', async () => {
    await page.getByText('contoso.com').first().waitFor();
    assert.ok(await page.getByRole('heading', { name: 'Certificates' }).isVisible());
    assert.ok(await page.getByText('Signed in as').isVisible());
    await step(page, '01-dashboard');
    await axe(page, 'the dashboard');
  });

  test('runs the wizard online with the built-in CA to "Assigned"', async () => {
    await openPage(page, 'Certificate wizard', 'Certificate wizard');
    await page.getByLabel('Certificate usage').selectOption('WebServicesExternal');
    await step(page, '02-wizard-online-1-request');
    await axe(page, 'the wizard');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Certification authority', { exact: true }).selectOption('internal');
    await step(page, '02-wizard-online-2-ca');
    await page.getByRole('button', { name: 'Next' }).click();
    await step(page, '02-wizard-online-3-template');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Friendly name').fill('console online');
    await step(page, '02-wizard-online-4-name');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Organization', { exact: true }).fill('Contoso');
    await step(page, '02-wizard-online-5-organization');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Country/region (two letters)').fill('US');
    await step(page, '02-wizard-online-6-geography');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Subject alternative names').waitFor();
    await step(page, '02-wizard-online-7-names');
    await page.getByRole('button', { name: 'Next' }).click();
    await step(page, '02-wizard-online-8-sip');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Additional subject alternative names').fill('ext.contoso.com');
    await step(page, '02-wizard-online-9-additional');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('ext.contoso.com').waitFor();
    await step(page, '02-wizard-online-10-summary');
    await page.getByRole('button', { name: 'Execute' }).click();
    await page.getByText('The certificate was issued and installed.').waitFor();
    assert.match(await page.getByLabel('Execution log').innerText(), /issued and installed/);
    await step(page, '02-wizard-online-11-execute');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Issued and valid').waitFor();
    await step(page, '02-wizard-online-12-status');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Assigned', { exact: true }).waitFor();
    await step(page, '02-wizard-online-13-assigned');
    const got = JSON.parse(await s2s(envA, 'certificate', 'get', '--type', 'WebServicesExternal', '--json'));
    assert.match(JSON.stringify(got), /ext\.contoso\.com/);
  });

  test('runs the wizard offline: the request is downloaded, the response uploaded, to "Assigned"', async () => {
    await page.goto(`${baseA}/console/#/certificates`);
    await openPage(page, 'Certificate wizard', 'Certificate wizard');
    await page.getByLabel('Certificate usage').selectOption('WebServicesExternal');
    await page.getByLabel('Prepare the request now, send it later (offline)').check();
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click(); // geography → names computed
    await page.getByText('Subject alternative names').waitFor();
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Execute' }).waitFor();
    await step(page, '03-wizard-offline-summary');
    await page.getByRole('button', { name: 'Execute' }).click();
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the request (PKCS#10)' }).click();
    const download = await downloading;
    const csrPath = join(dir, 'offline.req');
    await download.saveAs(csrPath);
    assert.match(readFileSync(csrPath, 'utf8'), /BEGIN CERTIFICATE REQUEST/);
    await step(page, '03-wizard-offline-request');
    // Another CA (openssl) issues it; its root is trusted first, as the wizard's status asks.
    const ca = (name: string) => join(dir, name);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=Offline Test Root',
        '-keyout',
        ca('root.key'),
        '-out',
        ca('root.pem'),
        '-days',
        '30',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { stdio: 'pipe' },
    );
    writeFileSync(
      ca('leaf.ext'),
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n',
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        csrPath,
        '-CA',
        ca('root.pem'),
        '-CAkey',
        ca('root.key'),
        '-CAcreateserial',
        '-days',
        '20',
        '-copy_extensions',
        'copy',
        '-extfile',
        ca('leaf.ext'),
        '-out',
        ca('leaf.pem'),
      ],
      { stdio: 'pipe' },
    );
    await s2s(envA, 'trusted-root', 'add', '--path', ca('root.pem'));
    await page.getByRole('button', { name: 'Next' }).click();
    await page
      .getByLabel("The CA's response (certificate or chain, PEM/DER/P7B)")
      .setInputFiles(ca('leaf.pem'));
    await page.getByRole('button', { name: 'Import the response' }).click();
    await page.getByText('Issued and valid').waitFor();
    await step(page, '03-wizard-offline-status');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Assigned', { exact: true }).waitFor();
    await step(page, '03-wizard-offline-assigned');
    const got = await s2s(envA, 'certificate', 'get', '--type', 'WebServicesExternal', '--json');
    assert.match(got, /Offline Test Root/);
  });

  test('rolls the OAuthTokenIssuer with an effective date, warned under 24 hours', async () => {
    await openPage(page, 'Certificates', 'Certificates');
    await axe(page, 'the certificates page');
    const list = JSON.parse(await s2s(envA, 'certificate', 'list', '--json')) as {
      certificates?: { thumbprint: string; friendlyName: string }[];
    };
    const online = (
      list.certificates ?? (list as unknown as { thumbprint: string; friendlyName: string }[])
    ).find((c) => c.friendlyName === 'console online');
    assert.ok(online, 'the wizard issued the "console online" certificate');
    const form = page.getByRole('region', { name: 'Assign or roll a certificate' });
    await form.getByLabel('Certificate', { exact: true }).selectOption(online.thumbprint);
    await form.getByLabel('Usage').selectOption('OAuthTokenIssuer');
    await form.getByLabel('Roll: keep the current certificate until the effective date').check();
    const soon = new Date(Date.now() + 2 * 3600_000).toISOString().slice(0, 16);
    await form.getByLabel('Effective date (UTC)').fill(soon);
    await form.getByText('less than 24 hours ahead').waitFor();
    const later = new Date(Date.now() + 48 * 3600_000).toISOString().slice(0, 16);
    await form.getByLabel('Effective date (UTC)').fill(later);
    assert.equal(await form.getByText('less than 24 hours ahead').count(), 0);
    await step(page, '04-roll');
    await form.getByRole('button', { name: 'Roll' }).click();
    await form.getByText('Rolled:').waitFor();
    const got = await s2s(envA, 'certificate', 'get', '--type', 'OAuthTokenIssuer', '--json');
    assert.match(got, new RegExp(online.thumbprint));
    assert.match(got, /staged/i);
  });

  test('adds a partner by the metadata URL of a second deployment, reviewed before it is trusted', async () => {
    await openPage(page, 'Partners and OAuth servers', 'Partners and OAuth servers');
    await axe(page, 'the partners page');
    const form = page.getByRole('region', { name: 'New partner by metadata URL' });
    await form.getByLabel('Name (identity)').fill('fabrikam');
    await form.getByLabel('Metadata URL').fill(`${baseB}/metadata/json/1`);
    await form.getByRole('button', { name: 'Fetch metadata' }).click();
    const review = form.getByRole('region', { name: 'Fetched metadata' });
    await review.getByText('fabrikam.com', { exact: true }).waitFor();
    await step(page, '05-partner-review');
    const trusted = JSON.parse(await s2s(envA, 'partner', 'get', '--json')) as { partners: unknown[] };
    assert.equal(trusted.partners.length, 0, 'nothing is trusted before the administrator confirms');
    await form.getByRole('button', { name: 'Trust fabrikam' }).click();
    await page.getByText('fabrikam is trusted (Full).').waitFor();
    await page.getByRole('cell', { name: 'fabrikam', exact: true }).waitFor();
    await step(page, '05-partner-trusted');
    assert.match(await s2s(envA, 'partner', 'get', '--identity', 'fabrikam', '--json'), /fabrikam\.com/);
  });

  test('adds a partner by its signing certificate', async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=app.litwareinc.com',
        '-keyout',
        join(dir, 'app.key'),
        '-out',
        join(dir, 'app.pem'),
        '-days',
        '30',
      ],
      { stdio: 'pipe' },
    );
    const form = page.getByRole('region', { name: 'New partner by certificate' });
    await form.getByLabel('Name (identity)').fill('litware.app');
    await form.getByLabel('Application identifier').fill('11111111-2222-3333-4444-555555555555');
    await form.getByLabel('Realm').fill('litwareinc.com');
    await form.getByLabel('Signing certificate (.cer, PEM or base64)').setInputFiles(join(dir, 'app.pem'));
    await form.getByLabel('Trust level').selectOption('Application');
    await form.getByRole('button', { name: 'Trust by certificate' }).click();
    await form.getByText('litware.app is trusted (Application).').waitFor();
    await page.getByRole('cell', { name: 'litware.app', exact: true }).waitFor();
    await step(page, '05-partner-by-certificate');
    assert.match(await s2s(envA, 'partner', 'get', '--identity', 'litware.app', '--json'), /Application/);
  });

  test('runs the connectivity test with each step shown', async () => {
    await openPage(page, 'Connectivity test', 'Connectivity test');
    await axe(page, 'the connectivity page');
    await page.getByLabel('User SIP URI').fill('sip:demo@contoso.com');
    await page.getByLabel('Partner', { exact: true }).selectOption('self');
    await page.getByRole('button', { name: 'Run the test' }).click();
    await page.getByText('The connectivity test passed.').waitFor();
    assert.ok((await page.getByRole('list', { name: 'Test steps' }).getByRole('listitem').count()) >= 4);
    await step(page, '06-connectivity');
  });

  test('sees a refusal appear on the dashboard without a reload', async () => {
    await openPage(page, 'Dashboard', 'Dashboard');
    assert.equal(await send(`${baseA}/storage/v1/folders`, { authorization: 'Bearer not.a.token' }), 401);
    await page.getByRole('region', { name: 'Recent refusals' }).getByRole('cell').first().waitFor();
    await step(page, '07-dashboard-refusal');
  });

  test('reads the audit entry of the partner it added', async () => {
    await openPage(page, 'Audit log', 'Audit log');
    await axe(page, 'the audit log');
    await page.getByLabel('Actor').fill('alice');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('partners.create').first().waitFor();
    await step(page, '08-audit');
  });

  test('explains a pasted token without rendering it back', async () => {
    await openPage(page, 'Token test', 'Token test');
    await axe(page, 'the token test');
    const token = (
      await s2s(
        envA,
        'token',
        'new',
        '--partner',
        'self',
        '--host',
        new URL(baseA).host,
        '--user',
        'sip:demo@contoso.com',
      )
    ).trim();
    await page.getByLabel('Token (the value after "Bearer ")').fill(token);
    await page.getByLabel('Request URL the token was presented to').fill(`${baseA}/storage/v1`);
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.getByText('Verdict:').waitFor();
    assert.equal(await page.getByLabel('Token (the value after "Bearer ")').inputValue(), '');
    assert.equal((await page.content()).includes(token), false, 'the token is not in the page');
    await step(page, '09-token-test');
  });
});

describe('a read-only administrator', () => {
  test('sees every page and no change control', async () => {
    const context = await newContext(browser!, 375);
    try {
      const page = await signIn(context, 'reader');
      await step(page, '10-read-only-dashboard-narrow');
      await axe(page, 'the dashboard on a narrow screen');
      await openPage(page, 'Certificates', 'Certificates');
      assert.equal(await page.getByRole('button', { name: /Import|Assign|Roll|Remove previous/ }).count(), 0);
      await openPage(page, 'Certificate wizard', 'Certificate wizard');
      await page.getByText('cannot request certificates').waitFor();
      await openPage(page, 'Partners and OAuth servers', 'Partners and OAuth servers');
      await page.getByRole('cell', { name: 'fabrikam', exact: true }).waitFor();
      assert.equal(
        await page.getByRole('button', { name: /Disable|Enable|Refresh|Remove|Fetch|Trust/ }).count(),
        0,
      );
      await openPage(page, 'Connectivity test', 'Connectivity test');
      assert.equal(await page.getByRole('button', { name: 'Run the test' }).count(), 0);
      await step(page, '10-read-only-partners');
      // The console's own API resources check the role too: the dashboard is for every role, the streamed
      // connectivity test is refused (403, audited) before any step runs.
      const session = (await (await page.request.get(`${baseA}/admin/api/v1/session`)).json()) as {
        csrfToken: string;
      };
      const refused = await page.request.post(`${baseA}/admin/api/v1/connectivity-test`, {
        data: { sipUri: 'sip:demo@contoso.com', partner: 'self' },
        headers: { 'x-csrf-token': session.csrfToken },
      });
      assert.equal(refused.status(), 403);
      assert.equal(((await refused.json()) as { code: string }).code, 'ERR_ADMIN_FORBIDDEN');
      const dashboard = await page.request.get(`${baseA}/admin/api/v1/dashboard`);
      assert.equal(dashboard.status(), 200);
      assert.doesNotMatch(await dashboard.text(), /PRIVATE KEY|passwordHash|secretHash|"password"/);
    } finally {
      await context.close();
    }
  });
});

/** Tabs forward until the focused element is the button named `name`, then presses Enter on it. */
async function pressButton(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<string>(
      "document.activeElement ? (document.activeElement.tagName + ':' + document.activeElement.textContent.trim()) : ''",
    );
    if (focused === `BUTTON:${name}` || focused === `A:${name}`) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  assert.fail(`no "${name}" control reachable with Tab`);
}

describe('keyboard only', () => {
  test('the wizard runs to "Assigned" with the keyboard alone', async () => {
    const context = await newContext(browser!);
    try {
      const page = await context.newPage();
      await page.goto(`${baseA}/console/`);
      await page.getByRole('heading', { name: 'Sign in to s2s' }).waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.type('alice');
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD.alice);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await pressButton(page, 'Certificate wizard');
      await page.getByRole('heading', { name: 'Certificate wizard', level: 1 }).waitFor();
      // Tab to the usage (the wizard's first control) and choose WebServicesExternal with the arrow keys.
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if (
          (await page.evaluate<string>("document.activeElement ? document.activeElement.id : ''")) ===
          'f-w-usage'
        )
          break;
      }
      const usage = page.getByLabel('Certificate usage');
      for (let i = 0; i < 5 && (await usage.inputValue()) !== 'WebServicesExternal'; i++)
        await page.keyboard.press('ArrowDown');
      assert.equal(await usage.inputValue(), 'WebServicesExternal');
      for (let s = 0; s < 9; s++) {
        const before = await page.locator('#wizard-step-h').innerText();
        await pressButton(page, 'Next');
        // The heading changes when the step does (polled from here: the console's CSP forbids eval).
        for (let i = 0; i < 200 && (await page.locator('#wizard-step-h').innerText()) === before; i++)
          await new Promise((r) => setTimeout(r, 50));
      }
      await pressButton(page, 'Execute');
      await page.getByText('The certificate was issued and installed.').waitFor();
      await pressButton(page, 'Next');
      await page.getByText('Issued and valid').waitFor();
      await pressButton(page, 'Next');
      await page.getByText('Assigned', { exact: true }).waitFor();
      await step(page, '11-keyboard-assigned');
    } finally {
      await context.close();
    }
  });
});

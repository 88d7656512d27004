/**
 * The web console is served by s2s itself (docs/console.md): the bundle from this origin only under a strict
 * Content-Security-Policy, and its sign-in page renders in real Chromium with no serious accessibility
 * violation, on a wide and on a narrow screen.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { startServerNode } from '../fixtures/s2s-process.ts';
import type { ServerNode } from '../fixtures/s2s-process.ts';
import type { TestContext } from 'node:test';
import { launchChromium, newContext, screenshot, seriousViolations } from './browser.ts';

let home: string;
let server: ServerNode | undefined;
let base = '';
let browser: Browser | undefined;
const noTestContext = { after: () => undefined } as unknown as TestContext;

function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  home = mkdtempSync(join(tmpdir(), 's2s-console-'));
  // Stopped in after(): a suite-level hook has no TestContext to register the clean-up on.
  server = startServerNode(noTestContext, ['--bootstrap', '--listen', '127.0.0.1:0'], {
    S2S_HOME: home,
    S2S_MASTER_KEY: randomBytes(32).toString('base64'),
    S2S_NODE: 'fe1.contoso.com',
  });
  base = await server.ready;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

test('the console is served from this origin with a strict Content-Security-Policy', async () => {
  const page = await get('/console/');
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-type']), /text\/html/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['cache-control'], 'no-store');
  const script = /src="(\/console\/assets\/app-[A-Z0-9]+\.js)"/.exec(page.body)?.[1];
  assert.ok(script, 'index.html names its hashed script');
  assert.doesNotMatch(page.body, /https?:\/\//, 'no third-party origin is referenced');
  const js = await get(script);
  assert.equal(js.status, 200);
  assert.match(String(js.headers['content-type']), /javascript/);
  assert.match(String(js.headers['cache-control']), /immutable/);
  assert.equal((await get('/console/assets/..%2Fpackage.json')).status, 404);
  assert.equal((await get('/console/assets/nothing.js')).status, 404);
});

for (const [label, width] of [
  ['wide', 1280],
  ['narrow', 375],
] as const) {
  test(`the sign-in page renders and passes axe on a ${label} screen`, async () => {
    const context = await newContext(browser!, width);
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/console/`);
      await page.getByRole('heading', { name: 'Sign in to s2s' }).waitFor();
      await screenshot(page, `sign-in-${label}`);
      assert.deepEqual(await seriousViolations(page), []);
      assert.ok(await page.getByLabel('Administrator name').isVisible());
      assert.equal(await page.getByLabel('Password').getAttribute('type'), 'password');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

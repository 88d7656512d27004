/**
 * Real Chromium for console tests: Debian's `chromium` package driven by playwright-core (never a browser
 * download; .ci/run installs the package). Screenshots of each step go to test-artifacts/console/, and
 * every page is checked with axe-core (WCAG 2.x A/AA rules): no serious or critical violation.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.S2S_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/console/', import.meta.url).pathname;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** A context for one administrator; the server's certificate comes from the test's own CA. */
export async function newContext(browser: Browser, width = 1280): Promise<BrowserContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width, height: 900 } });
  // Waits are for the page to reach a state, not a speed test: generous, so a loaded CI machine passes too
  // (the runner's per-file timeout bounds the whole file).
  context.setDefaultTimeout(180_000);
  return context;
}

/** Writes test-artifacts/console/<name>.png (full page). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/** Serious and critical axe-core violations of the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE }).catch(async () => {
    // A strict CSP refuses inline scripts: evaluate the source instead (same engine, same rules).
    await page.evaluate(AXE_SOURCE);
  });
  const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } };
  const result = await page.evaluate<{
    violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[];
  }>(`axe.run(document, ${JSON.stringify(options)})`);
  const violations = result.violations;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
}

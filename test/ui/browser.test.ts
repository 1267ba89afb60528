import { existsSync, mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start.js';
import { post } from '../server/helpers.js';
import { HOSTILE, seededServer } from './seed-server.js';

/** Debian's chromium (scripts/setup.sh installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Where the screenshot is kept (gitignored; the README's copy lives in docs/). */
export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

// biome-ignore lint/suspicious/noExplicitAny: the page's globals (window, document) in functions run in the page; tsc here has no DOM lib
type PageGlobal = any;

if (!HAVE_CHROMIUM)
  console.warn(
    `browser test skipped: no Chromium at ${CHROMIUM} (scripts/setup.sh installs Debian's chromium)`,
  );

describe.skipIf(!HAVE_CHROMIUM)('the dashboard in headless Chromium', () => {
  let server: RunningServer;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ({ server } = await seededServer(10));
    const { chromium } = await import('playwright-core');
    // --no-sandbox: Chromium's own sandbox cannot start as root in containers; the page is ours and local.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
  });

  it('draws the curves, filters the sample browser, opens a sample, and runs no model output', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/ui`);
    await page.click('a[href="/ui/run/r1"]');
    await page.waitForFunction(() => (globalThis as PageGlobal).assayDashboard?.steps?.length === 12);
    // The reward chart's points are the per-step means the store aggregated: step 1 (2, 2, 0, 2) and
    // step 2 (1, 1, 2, 1) for the gate spec (2 right and well-formed, 1 format only, 0 neither).
    const reward = await page.evaluate((): { series: string[]; data: (number | null)[][] } => {
      const u = (globalThis as PageGlobal).assayDashboard.charts.reward;
      return { series: u.series.map((s: { label: string }) => s.label), data: u.data };
    });
    expect(reward.series).toEqual(['step', 'overall', 'source: gsm', 'source: math']);
    expect(reward.data[0]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(reward.data[1]!.slice(0, 2)).toEqual([1.5, 1.25]);
    expect(reward.data[2]!.slice(0, 2)).toEqual([2, 1]);
    const signals = await page.evaluate(
      (): (number | null)[][] => (globalThis as PageGlobal).assayDashboard.charts.signals.data,
    );
    expect(signals[2]!.slice(0, 2)).toEqual([1, 0.25]); // audit agreement
    expect(signals[3]!.slice(0, 2)).toEqual([0, 0.75]); // format-only share
    expect(await page.locator('.uplot').count()).toBeGreaterThanOrEqual(9);

    // Live: a new step scored while the page is open shows up at the next poll.
    const res = await post(server.url, '/v1/score', {
      step: 13,
      samples: [
        { id: 'live', response: '<think>a</think><answer>42</answer>', reference: '42', source: 'math' },
      ],
    });
    expect(res.status).toBe(200);
    await page.waitForFunction(() => (globalThis as PageGlobal).assayDashboard.steps.length === 13, null, {
      timeout: 15_000,
    });
    expect(
      await page.evaluate(() => (globalThis as PageGlobal).assayDashboard.charts.reward.data[1][12]),
    ).toBe(2);

    // The brush: drag over the left part of the overview picks a step range, and the browser follows it.
    const over = (await page.locator('#overview .u-over').boundingBox())!;
    await page.mouse.move(over.x + 1, over.y + over.height / 2);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.12, over.y + over.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => (globalThis as PageGlobal).assayDashboard.range !== null);
    const range = await page.evaluate(
      (): [number, number] => (globalThis as PageGlobal).assayDashboard.range,
    );
    expect(range[0]).toBe(1);
    expect(range[1]).toBeLessThanOrEqual(2);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.click('#reset-range');

    // Filter: step 2, source gsm → only h.
    await page.fill('input[name=step]', '2');
    await page.fill('input[name=source]', 'gsm');
    await page.click('#filter button[type=submit]');
    await page.waitForFunction(
      () => (globalThis as PageGlobal).document.querySelectorAll('#samples tbody tr').length === 1,
    );
    expect(await page.locator('#samples tbody tr td a').innerText()).toBe('h');
    await page.fill('input[name=step]', '');
    await page.fill('input[name=source]', '');
    await page.click('#filter button[type=submit]');
    await page.waitForFunction(
      () => (globalThis as PageGlobal).document.querySelectorAll('#samples tbody tr').length > 1,
    );
    await page.evaluate(() => (globalThis as PageGlobal).scrollTo(0, 0));
    await page.screenshot({ path: `${ARTIFACTS}run-page.png` });

    await page.fill('input[name=step]', '2');
    await page.fill('input[name=source]', 'gsm');
    await page.click('#filter button[type=submit]');
    await page.waitForFunction(
      () => (globalThis as PageGlobal).document.querySelectorAll('#samples tbody tr').length === 1,
    );
    await page.click('#samples tbody tr td a');
    await page.waitForSelector('#sample');
    expect(await page.locator('#prompt').innerText()).toContain(HOSTILE);
    expect(await page.locator('#components tbody tr').count()).toBe(2);
    expect(await page.locator('#score').innerText()).toBe('1');
    await page.screenshot({ path: `${ARTIFACTS}sample-page.png`, fullPage: true });
    // The hostile prompt was shown as text: nothing it carried ran.
    expect(await page.evaluate(() => (globalThis as PageGlobal).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
  }, 120_000);
});

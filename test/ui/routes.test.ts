import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start.js';
import { startUi } from '../../src/ui/server.js';
import { getJson } from '../server/helpers.js';
import { HOSTILE, seededServer } from './seed-server.js';

let server: RunningServer;
let file: string;
beforeAll(async () => {
  ({ server, file } = await seededServer());
}, 60_000);
afterAll(async () => server?.app.close());

describe('the dashboard of assay serve', () => {
  it('serves per-step curves and signals, and the audit signal fires on the format-only hack', async () => {
    const steps = await getJson(`${server.url}/ui/api/runs/r1/steps`);
    expect(steps.map((s: { step: number }) => s.step)).toEqual([1, 2]);
    const [s1, s2] = steps;
    // The gate sums its parts: right and well-formed 2, format only 1. Step 1: a, b, d score 2, c 0.
    expect(s1).toMatchObject({ n: 4, ok: 4, audit_n: 4, audit_agreement: 1, format_only_share: 0 });
    expect(s1.by_source).toEqual({ math: 4 / 3, gsm: 2 });
    // Step 2: e, f, h paid by format.tags alone (1 each); the audit spec (answer only) rejects them.
    expect(s2).toMatchObject({ n: 4, audit_agreement: 0.25, format_only_share: 0.75 });
    expect(s2.mean).toBeCloseTo((1 * 3 + 2) / 4, 12);
    expect(s2.by_component).toEqual({ exact_match: 0.25, 'format.tags': 1 });
  });

  it('exports the signals of the last step to /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^assay_step 2$/m);
    expect(text).toMatch(/^assay_signal_audit_agreement 0\.25$/m);
    expect(text).toMatch(/^assay_signal_format_only_share 0\.75$/m);
    expect(text).toMatch(/^assay_step_error_rate 0$/m);
    expect(text).toMatch(/^assay_signal_zero_variance_share 0$/m);
  });

  it('escapes model output in every page, under a policy that forbids inline script', async () => {
    const list = await fetch(`${server.url}/ui`);
    expect(await list.text()).toContain('href="/ui/run/r1"');
    const run = await fetch(`${server.url}/ui/run/r1`);
    expect(run.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page1 = await getJson(
      `${server.url}/ui/api/runs/r1/samples?q=${encodeURIComponent('onerror')}&source=gsm`,
    );
    expect(page1.next).toBeNull();
    const [row] = page1.rows;
    expect(row.sample_id).toBe('h');
    const page = await (await fetch(`${server.url}/ui/sample/${row.id}`)).text();
    expect(page).not.toContain(HOSTILE);
    expect(page).not.toMatch(/<script>window|<img /);
    expect(page).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(page).toContain('exact_match');
    const bad = await fetch(`${server.url}/ui/api/runs/r1/samples?step=two`);
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'step: expected a number, got "two"' }]);
    const missing = await fetch(`${server.url}/ui/sample/99999999999`);
    expect(missing.status).toBe(404);
  });

  it('serves uPlot and its own script from the package, not a CDN', async () => {
    const page = await (await fetch(`${server.url}/ui/run/r1`)).text();
    expect(page).not.toMatch(/https?:\/\//);
    const lib = await fetch(`${server.url}/ui/assets/uPlot.iife.min.js`);
    expect(lib.status).toBe(200);
    expect(await lib.text()).toContain('uPlot');
    expect((await fetch(`${server.url}/ui/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});

describe('assay ui over a store file', () => {
  it('reads a store a server wrote', async () => {
    const { app, url } = await startUi({ store: file, port: 0 });
    try {
      const runs = await getJson(`${url}/ui/api/runs`);
      expect(runs).toEqual([expect.objectContaining({ run: 'r1', samples: 8, steps: 2, specs: ['gate'] })]);
    } finally {
      await app.close();
    }
  });
});

import type { RunSummary, SampleRow, SampleView, StepPoint } from './queries.js';

/**
 * Server-rendered pages of the dashboard. Everything that came from a request or a model (run names,
 * prompts, responses, reasons, details) goes through `esc`: model output is hostile. The pages carry no
 * inline script (the Content-Security-Policy set by the routes forbids it); data for the script travels
 * in escaped `data-` attributes and the JSON endpoints.
 */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const num = (x: number | null | undefined, digits = 3): string =>
  x === null || x === undefined ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(digits);
const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`;

function page(title: string, body: string, scripts: string[] = []): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Assay</title>
<link rel="stylesheet" href="/ui/assets/uPlot.min.css"><link rel="stylesheet" href="/ui/assets/dashboard.css">
</head><body><header><a href="/ui" class="brand">Assay</a> <span>${esc(title)}</span></header><main>
${body}
</main>${scripts.map((s) => `<script src="/ui/assets/${esc(s)}"></script>`).join('')}</body></html>`;
}

export const runHref = (run: string): string => `/ui/run/${encodeURIComponent(run)}`;

/** The runs list: name, started, samples, steps, error rate, specs. */
export function runsPage(runs: RunSummary[]): string {
  const rows = runs
    .map(
      (
        r,
      ) => `<tr><td><a href="${esc(runHref(r.run))}">${esc(r.run)}</a></td><td>${esc(r.started_at ?? '')}</td>
<td class="n">${r.samples}</td><td class="n">${r.steps}</td><td class="n">${pct(r.error_rate)}</td><td>${esc(r.specs.join(', '))}</td></tr>`,
    )
    .join('\n');
  return page(
    'Runs',
    `<h1>Runs</h1><table id="runs"><thead><tr><th>Run</th><th>Started</th><th>Samples</th><th>Steps</th><th>Error rate</th><th>Specs</th></tr></thead>
<tbody>${rows || '<tr><td colspan="6">No runs recorded yet.</td></tr>'}</tbody></table>`,
  );
}

const SIGNAL_CARDS: [keyof StepPoint, string, (x: number | null) => string][] = [
  ['mean', 'Mean reward', (x) => num(x)],
  ['pass_rate', 'Pass rate', pct],
  ['error_rate', 'Error rate', pct],
  ['length_correlation', 'Reward–length corr.', (x) => num(x)],
  ['audit_agreement', 'Audit agreement', pct],
  ['format_only_share', 'Format-only share', pct],
  ['zero_variance_share', 'Zero-variance groups', pct],
];

/** The run page: signal cards for the last step, chart slots and the sample browser (filled by the script). */
export function runPage(run: string, last: StepPoint | undefined): string {
  const cards = SIGNAL_CARDS.map(
    ([key, label, fmt]) =>
      `<div class="card" data-signal="${esc(key)}"><div class="label">${esc(label)}</div><div class="value">${esc(fmt((last?.[key] as number | null) ?? null))}</div></div>`,
  ).join('');
  const guards = last
    ? `<div class="card"><div class="label">Guard hits (master key / shotgun / exit)</div><div class="value">${last.master_key} / ${last.shotgun} / ${last.exit_trick}</div></div>`
    : '';
  const api = `/ui/api/runs/${encodeURIComponent(run)}`;
  return page(
    run,
    `<section id="run" data-run="${esc(run)}" data-api="${esc(api)}">
<h1>${esc(run)}</h1>
<p class="muted">Last step: <span id="last-step">${esc(last?.step ?? '–')}</span> · live (polls every 3 s) · drag on the overview to pick a step range · <button id="reset-range" type="button">All steps</button> <span id="range"></span></p>
<div class="cards">${cards}${guards}</div>
<div id="overview" class="chart wide"></div>
<div id="charts" class="grid"></div>
<h2>Samples</h2>
<form id="filter">
<label>Step <input name="step" type="number" size="5"></label>
<label>Source <input name="source" size="8"></label>
<label>Status <select name="status"><option value="">any</option><option>ok</option><option>error</option><option>timeout</option><option>skipped</option></select></label>
<label>Component <input name="component" size="10" placeholder="overall"></label>
<label>Score ≥ <input name="min" type="number" step="any" size="4"></label>
<label>≤ <input name="max" type="number" step="any" size="4"></label>
<label>Text <input name="q" size="14"></label>
<button type="submit">Filter</button>
</form>
<table id="samples"><thead><tr><th>Step</th><th>Sample</th><th>Source</th><th>Status</th><th>Score</th><th>Length</th><th>Response</th></tr></thead><tbody></tbody></table>
<button id="more" type="button">More</button>
</section>`,
    ['uPlot.iife.min.js', 'dashboard.js'],
  );
}

function rowsTable(rows: SampleRow[]): string {
  return `<table><thead><tr><th>Sample</th><th>Status</th><th>Score</th><th>Length</th><th>Response</th></tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr><td><a href="/ui/sample/${r.id}">${esc(r.sample_id ?? r.id)}</a></td><td>${esc(r.status)}</td><td class="n">${num(r.score)}</td><td class="n">${num(r.length)}</td><td class="text">${esc(r.response)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

/** One sample: prompt, response, reference, every component with score, reason and detail, its group. */
export function samplePage(s: SampleView): string {
  const comps = s.components
    .map(
      (c) =>
        `<tr><td>${esc(c.key)}</td><td>${esc(c.status)}</td><td class="n">${num(c.score)}</td><td>${esc(c.reason ?? '')}</td><td><pre>${esc(c.detail === null ? '' : JSON.stringify(c.detail, null, 2))}</pre></td></tr>`,
    )
    .join('');
  return page(
    `sample ${s.sample_id ?? s.id}`,
    `<article id="sample">
<p><a href="${esc(runHref(s.run))}">← ${esc(s.run)}</a></p>
<h1>Sample ${esc(s.sample_id ?? s.id)}</h1>
<dl class="facts"><dt>Step</dt><dd>${esc(s.step ?? '–')}</dd><dt>Spec</dt><dd>${esc(s.spec)}</dd><dt>Source</dt><dd>${esc(s.source ?? '–')}</dd>
<dt>Group</dt><dd>${esc(s.group ?? '–')}</dd><dt>Status</dt><dd>${esc(s.status)}</dd><dt>Score</dt><dd id="score">${num(s.score)}</dd>
<dt>Reason</dt><dd>${esc(s.reason ?? '')}</dd><dt>Latency</dt><dd>${num(s.latency_ms, 1)} ms (request)</dd></dl>
<h2>Prompt</h2><pre class="text" id="prompt">${esc(s.prompt ?? '')}</pre>
<h2>Response</h2><pre class="text" id="response">${esc(s.response)}</pre>
<h2>Reference</h2><pre class="text" id="reference">${esc(s.reference ?? '')}</pre>
<h2>Components</h2><table id="components"><thead><tr><th>Component</th><th>Status</th><th>Score</th><th>Reason</th><th>Detail</th></tr></thead><tbody>${comps}</tbody></table>
<h2>Group neighbours</h2>${s.neighbours.length ? rowsTable(s.neighbours) : '<p class="muted">None.</p>'}
</article>`,
  );
}

/** A short page for a missing run, sample or store. */
export function notFoundPage(what: string): string {
  return page('Not found', `<h1>Not found</h1><p>${esc(what)}</p><p><a href="/ui">Runs</a></p>`);
}

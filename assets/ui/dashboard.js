// The run page's script: per-step curves (uPlot, served by Assay), live polling, a step-range brush and the
// sample browser. Model output is only ever put into the page with textContent, never as HTML.
(() => {
  const root = document.getElementById('run');
  if (!root) return;
  const api = root.dataset.api;
  const POLL_MS = 3000;
  const state = { steps: [], range: null, charts: {}, keys: '', after: null };
  const PALETTE = [
    '#2563eb',
    '#dc2626',
    '#16a34a',
    '#9333ea',
    '#ea580c',
    '#0891b2',
    '#ca8a04',
    '#db2777',
    '#4b5563',
  ];

  /** Chart definitions: each is a title and its series as [label, pick(step)]. */
  function chartDefs(steps) {
    const sources = [...new Set(steps.flatMap((s) => Object.keys(s.by_source)))].sort();
    const components = [...new Set(steps.flatMap((s) => Object.keys(s.by_component)))].sort();
    return [
      {
        id: 'reward',
        title: 'Mean reward (overall and per source)',
        series: [
          ['overall', (s) => s.mean],
          ...sources.map((src) => [`source: ${src || '(none)'}`, (s) => s.by_source[src] ?? null]),
        ],
      },
      {
        id: 'components',
        title: 'Mean score per component',
        series: components.map((c) => [c, (s) => s.by_component[c] ?? null]),
      },
      {
        id: 'status',
        title: 'Error and timeout rates',
        series: [
          ['error', (s) => s.error_rate],
          ['timeout', (s) => s.timeout_rate],
        ],
      },
      { id: 'length', title: 'Mean response length (chars)', series: [['length', (s) => s.length]] },
      {
        id: 'latency',
        title: 'Request latency percentiles (ms)',
        series: [
          ['p50', (s) => s.latency_p50],
          ['p90', (s) => s.latency_p90],
          ['p99', (s) => s.latency_p99],
        ],
      },
      {
        id: 'quality',
        title: 'Pass rate and zero-variance groups',
        series: [
          ['pass rate', (s) => s.pass_rate],
          ['zero-variance share', (s) => s.zero_variance_share],
        ],
      },
      {
        id: 'signals',
        title: 'Reward-hacking signals',
        series: [
          ['reward–length corr.', (s) => s.length_correlation],
          ['audit agreement', (s) => s.audit_agreement],
          ['format-only share', (s) => s.format_only_share],
        ],
      },
      {
        id: 'guards',
        title: 'Guard hits (samples)',
        series: [
          ['master key', (s) => s.master_key],
          ['shotgun', (s) => s.shotgun],
          ['exit trick', (s) => s.exit_trick],
        ],
      },
    ];
  }

  const dataOf = (def, steps) => [steps.map((s) => s.step), ...def.series.map(([, pick]) => steps.map(pick))];

  function makeChart(el, def, steps, height, hooks, brush = false) {
    const width = Math.max(300, el.clientWidth - 10);
    const opts = {
      width,
      height,
      scales: { x: { time: false } },
      series: [
        { label: 'step' },
        ...def.series.map(([label], i) => ({
          label,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: false,
        })),
      ],
      axes: [{ label: 'step' }, {}],
      // The overview is a brush: a drag there selects a range (and leaves its own scale alone).
      cursor: brush ? { drag: { x: true, y: false, setScale: false } } : { sync: { key: 'steps' } },
      hooks,
    };
    return new uPlot(opts, dataOf(def, steps), el);
  }

  function applyRange() {
    const label = document.getElementById('range');
    label.textContent = state.range ? `steps ${state.range[0]}–${state.range[1]}` : '';
    for (const [id, chart] of Object.entries(state.charts)) {
      if (id === 'overview') continue;
      const xs = chart.data[0];
      const min = state.range ? state.range[0] : xs[0];
      const max = state.range ? state.range[1] : xs[xs.length - 1];
      if (min !== undefined && max !== undefined)
        chart.setScale('x', { min, max: max === min ? max + 1 : max });
    }
  }

  function render() {
    const steps = state.steps;
    const defs = chartDefs(steps);
    const keys = JSON.stringify(defs.map((d) => [d.id, d.series.map(([l]) => l)]));
    if (keys !== state.keys) {
      for (const chart of Object.values(state.charts)) chart.destroy();
      state.charts = {};
      const box = document.getElementById('charts');
      box.replaceChildren();
      const overview = document.getElementById('overview');
      overview.replaceChildren();
      const overviewDef = { id: 'overview', title: 'overview', series: [['mean reward', (s) => s.mean]] };
      state.charts.overview = makeChart(
        overview,
        overviewDef,
        steps,
        110,
        {
          setSelect: [
            (u) => {
              if (u.select.width < 2) return;
              // Steps are integers: the selection snaps to the nearest ones.
              const from = Math.round(u.posToVal(u.select.left, 'x'));
              const to = Math.round(u.posToVal(u.select.left + u.select.width, 'x'));
              state.range = [from, Math.max(from, to)];
              u.setSelect(
                { left: u.select.left, width: u.select.width, top: 0, height: u.select.height },
                false,
              );
              applyRange();
              browse(true);
            },
          ],
        },
        true,
      );
      state.charts.overview.def = overviewDef;
      for (const def of defs) {
        if (def.series.length === 0) continue;
        const el = document.createElement('div');
        el.className = 'chart';
        el.id = `chart-${def.id}`;
        const h = document.createElement('h3');
        h.textContent = def.title;
        el.append(h);
        box.append(el);
        state.charts[def.id] = makeChart(el, def, steps, 200, {});
        state.charts[def.id].def = def;
      }
      state.keys = keys;
    } else {
      for (const chart of Object.values(state.charts)) chart.setData(dataOf(chart.def, steps), !state.range);
    }
    applyRange();
    const last = steps[steps.length - 1];
    if (last) {
      document.getElementById('last-step').textContent = String(last.step);
      // The cards follow the last step too (their first values were rendered by the server).
      for (const card of document.querySelectorAll('[data-signal]')) {
        const x = last[card.dataset.signal];
        const asShare =
          card.dataset.signal.endsWith('_rate') ||
          card.dataset.signal.endsWith('_share') ||
          card.dataset.signal === 'audit_agreement';
        card.querySelector('.value').textContent =
          x === null || x === undefined
            ? '–'
            : asShare
              ? `${(x * 100).toFixed(1)}%`
              : Number.isInteger(x)
                ? String(x)
                : x.toFixed(3);
      }
    }
    window.assayDashboard = { steps, charts: state.charts, range: state.range };
  }

  async function poll() {
    try {
      // After the first load only the last known step onwards is fetched (it may still be growing).
      const last = state.steps[state.steps.length - 1];
      const res = await fetch(last ? `${api}/steps?from=${last.step}` : `${api}/steps`);
      if (res.ok) {
        const fresh = await res.json();
        state.steps = last ? [...state.steps.filter((s) => s.step < last.step), ...fresh] : fresh;
        render();
      }
    } catch {
      // The server may be restarting; the next poll tries again.
    }
  }

  const cell = (tr, text, cls) => {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '–' : String(text);
    if (cls) td.className = cls;
    tr.append(td);
    return td;
  };

  async function browse(fresh) {
    const form = document.getElementById('filter');
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v !== '') params.set(k, String(v));
    if (!params.has('step') && state.range) {
      params.set('from', String(state.range[0]));
      params.set('to', String(state.range[1]));
    }
    if (!fresh && state.after !== null) params.set('after', String(state.after));
    const res = await fetch(`${api}/samples?${params}`);
    const { rows, next } = res.ok ? await res.json() : { rows: [], next: null };
    const body = document.querySelector('#samples tbody');
    if (fresh) body.replaceChildren();
    for (const r of rows) {
      const tr = document.createElement('tr');
      tr.dataset.id = String(r.id);
      cell(tr, r.step);
      const idCell = cell(tr, '');
      const a = document.createElement('a');
      a.href = `/ui/sample/${encodeURIComponent(r.id)}`;
      a.textContent = r.sample_id ?? String(r.id);
      idCell.append(a);
      cell(tr, r.source);
      cell(tr, r.status);
      cell(tr, r.score === null ? null : Number(r.score).toFixed(3), 'n');
      cell(tr, r.length, 'n');
      cell(tr, r.response, 'text');
      body.append(tr);
    }
    state.after = next;
    document.getElementById('more').hidden = next === null;
  }

  document.getElementById('filter').addEventListener('submit', (e) => {
    e.preventDefault();
    browse(true);
  });
  document.getElementById('more').addEventListener('click', () => browse(false));
  document.getElementById('reset-range').addEventListener('click', () => {
    state.range = null;
    state.charts.overview?.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
    applyRange();
    browse(true);
  });
  poll().then(() => browse(true));
  setInterval(() => {
    if (!document.hidden) poll();
  }, POLL_MS);
})();

/**
 * Prospects: leads scored as `tierwise prospects score` scores them — each lead's expected annual
 * margin with its interval, the sales motion it can pay for, a spend ceiling and its main drivers —
 * from a leads file the project holds (picked from the server's list, never a path) or a CSV
 * uploaded from this computer. The model it learned from current customers, and how well it
 * predicts out of fold, are stated above the scores.
 */
import { ApiFailure, api, type LeadScore, type Overview, type ProspectsResponse } from '../api.js';
import { h, show } from '../dom.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';

const MOTIONS = ['high-touch', 'low-touch', 'self-serve'] as const;

const TARGET_LABELS: Record<string, string> = {
  annual_revenue: 'revenue',
  annual_direct_cost: 'direct cost',
  annual_serve_cost: 'cost to serve',
  annual_margin: 'margin',
};

export async function renderProspects(
  root: HTMLElement,
  overview: Overview,
  file: string | null,
): Promise<void> {
  const list = await api.leadsFiles();
  const results = h('div', { 'data-testid': 'prospect-results', 'aria-live': 'polite' });
  const picker = h(
    'select',
    { 'aria-label': 'leads file', 'data-testid': 'leads-file' },
    h('option', { value: '' }, list.files.length === 0 ? '(none in the project)' : 'pick a file…'),
    list.files.map((f) => h('option', { value: f, selected: f === file }, f)),
  );
  picker.addEventListener('change', () => {
    if (picker.value !== '')
      location.hash = `#/prospects?${new URLSearchParams({ file: picker.value })}`;
  });
  const upload = h('input', {
    type: 'file',
    accept: '.csv,.tsv,text/csv',
    'aria-label': 'upload a leads CSV',
    'data-testid': 'leads-upload',
  });
  upload.addEventListener('change', () => {
    const chosen = upload.files?.[0];
    if (chosen === undefined) return;
    if (chosen.size > list.max_upload_bytes) {
      show(
        results,
        h(
          'div',
          { class: 'error', role: 'alert' },
          `${chosen.name} is ${formatNumber(chosen.size / 1024 / 1024, 1)} MB; uploads are limited to ${formatNumber(list.max_upload_bytes / 1024 / 1024, 0)} MB. Put the file in the project's ${list.folders[0]}/ folder and pick it instead.`,
        ),
      );
      return;
    }
    void (async () => {
      show(results, h('p', { class: 'muted' }, `Scoring ${chosen.name}…`));
      await showScores(results, overview, () =>
        chosen.text().then((text) => api.uploadLeads(chosen.name, text)),
      );
    })();
  });
  show(
    root,
    h('h1', {}, 'Prospects'),
    h(
      'p',
      { class: 'muted' },
      `What each lead is worth a year, learned from today's customers on the model's prospects: features. Leads files are looked for in ${list.folders.map((f) => `${f}/`).join(' and ')} of the project (files the model imports are left out).`,
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('label', {}, 'leads file ', picker),
      h('label', {}, ' or upload a CSV ', upload),
    ),
    results,
  );
  if (file !== null) await showScores(results, overview, () => api.prospects(file));
}

async function showScores(
  results: HTMLElement,
  overview: Overview,
  load: () => Promise<ProspectsResponse>,
): Promise<void> {
  try {
    const scores = await load();
    show(results, ...scoresView(scores, overview));
  } catch (error) {
    show(
      results,
      h(
        'div',
        { class: 'error', role: 'alert', 'data-testid': 'prospects-error' },
        h('strong', {}, 'Could not score the leads. '),
        error instanceof ApiFailure || error instanceof Error ? error.message : String(error),
      ),
    );
  }
}

function driverText(lead: LeadScore, money: (n: number) => string): string {
  return lead.drivers
    .map(
      (d) =>
        `${d.feature} ${d.value === null ? '(empty)' : typeof d.value === 'number' ? formatNumber(d.value) : String(d.value)} ${d.contribution >= 0 ? '+' : '−'}${money(Math.abs(d.contribution))}`,
    )
    .join('; ');
}

function scoresView(scores: ProspectsResponse, overview: Overview): HTMLElement[] {
  const { training } = scores;
  const money = (n: number) => formatMoney(n, training.currency || overview.currency);
  // Highest expected margin first, as tierwise prospects score lists them.
  const leads = [...scores.leads].sort(
    (a, b) => b.expected_annual_margin - a.expected_annual_margin || a.line - b.line,
  );
  const motion = training.sales_motion;
  const months = `${motion.payback_months} month${motion.payback_months === 1 ? '' : 's'}`;
  const baseline =
    training.baseline.segmentation === null
      ? 'the average customer'
      : `the average of its "${training.baseline.segmentation}" segment`;
  return [
    h(
      'h2',
      { 'data-testid': 'prospects-title' },
      `${formatNumber(scores.leads.length)} leads in ${scores.file}`,
    ),
    h(
      'p',
      { 'data-testid': 'motion-counts' },
      MOTIONS.map(
        (m) => `${formatNumber(scores.leads.filter((l) => l.sales_motion === m).length)} ${m}`,
      ).join(', '),
    ),
    scores.notes.length === 0
      ? h('span', {})
      : h(
          'ul',
          { class: 'notes' },
          scores.notes.map((n) => h('li', {}, `note: ${n}`)),
        ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'lead-scores' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'lead',
            'annual margin',
            'low',
            'high',
            'segment average',
            'motion',
            'spend ceiling',
            'annual revenue',
            'cost to serve',
            'main drivers (vs the average customer)',
          ].map((t, i) => h('th', { class: i === 5 || i === 9 ? 'text' : undefined }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        leads.map((l) =>
          h(
            'tr',
            { 'data-lead': l.lead_id },
            h('th', {}, l.lead_id),
            h(
              'td',
              {
                'data-value': l.expected_annual_margin,
                class: l.expected_annual_margin < 0 ? 'loss' : '',
              },
              money(l.expected_annual_margin),
            ),
            h('td', { 'data-value': l.margin_interval.low }, money(l.margin_interval.low)),
            h('td', { 'data-value': l.margin_interval.high }, money(l.margin_interval.high)),
            h('td', { 'data-value': l.segment_annual_margin }, money(l.segment_annual_margin)),
            h('td', { class: 'text' }, l.sales_motion),
            h('td', { 'data-value': l.spend_ceiling }, money(l.spend_ceiling)),
            h('td', { 'data-value': l.expected_annual_revenue }, money(l.expected_annual_revenue)),
            h(
              'td',
              { 'data-value': l.expected_annual_serve_cost },
              money(l.expected_annual_serve_cost),
            ),
            h('td', { class: 'text' }, driverText(l, money)),
          ),
        ),
      ),
    ),
    h('h2', {}, 'What this rests on'),
    h(
      'ul',
      { class: 'assumptions', 'data-testid': 'assumptions' },
      h(
        'li',
        {},
        `Learned from ${formatNumber(training.customers)} customers (${training.period.from} to ${training.period.to}) on ${training.features.join(', ')}` +
          (training.short_exposure > 0
            ? `; ${formatNumber(training.short_exposure)} with under 28 days in the period left out.`
            : '.'),
      ),
      h(
        'li',
        {},
        `Margin is a year's, before the cost to acquire. Accuracy is out of fold (${training.folds}-fold cross-validation), against the baseline, ${baseline}.`,
      ),
      h(
        'li',
        { 'data-testid': 'interval-coverage' },
        `The low–high interval aims to hold ${formatPercent(training.interval.coverage)} of customers; out of fold it held ${formatPercent(training.interval.held_out_coverage)}.`,
      ),
      h(
        'li',
        {},
        `Sales motion: high-touch when ${months} of margin pay for a sale with sales time (${motion.high_touch_cost === null ? 'none in the period' : `${money(motion.high_touch_cost)} on average, ${formatNumber(motion.high_touch_customers)} customers`}), low-touch when they pay for channel spend alone (${motion.low_touch_cost === null ? 'no customer acquired in the period' : `${money(motion.low_touch_cost)} per new customer`}), self-serve otherwise. The spend ceiling is ${months} of expected margin, at least 0.`,
      ),
    ),
    h('h3', {}, 'Out-of-fold accuracy'),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'prospect-accuracy' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['a year', 'model MAE', 'baseline MAE', 'model R²', 'baseline R²'].map((t) =>
            h('th', {}, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        training.accuracy.map((a) =>
          h(
            'tr',
            {},
            h('th', {}, TARGET_LABELS[a.target] ?? a.target),
            h('td', { 'data-value': a.model.mae }, money(a.model.mae)),
            h('td', { 'data-value': a.baseline.mae }, money(a.baseline.mae)),
            h(
              'td',
              { 'data-value': a.model.r2 ?? undefined },
              a.model.r2 === null ? '—' : a.model.r2.toFixed(2),
            ),
            h(
              'td',
              { 'data-value': a.baseline.r2 ?? undefined },
              a.baseline.r2 === null ? '—' : a.baseline.r2.toFixed(2),
            ),
          ),
        ),
      ),
    ),
  ];
}

/**
 * Price research: the project's survey files analysed as `tierwise price psm` and `tierwise price
 * gabor-granger` analyse them — the Van Westendorp curves and price points with their bootstrap
 * intervals (and Newton-Miller-Smith where the likelihood questions were asked), the Gabor-Granger
 * demand and revenue per price — or, without a file, a note saying which file to add.
 */
import type { GaborGrangerResult, Overview, PsmResult, SurveyAnalysis } from '../api.js';
import { api } from '../api.js';
import { h, show, svgFigure } from '../dom.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';
import { showJobFrame } from '../job-frame.js';

const PSM_LABELS = {
  marginal_cheapness: 'point of marginal cheapness (PMC)',
  optimal_price: 'optimal price point (OPP)',
  indifference_price: 'indifference price point (IPP)',
  marginal_expensiveness: 'point of marginal expensiveness (PME)',
} as const;

type Money = (n: number) => string;

export async function renderPriceResearch(root: HTMLElement, _overview: Overview): Promise<void> {
  // The frame at once; the survey analyses (a background job) fill it in.
  const frame = showJobFrame(
    root,
    'Price research',
    'Willingness to pay from the project’s survey files: the Van Westendorp price sensitivity meter (surveys/psm.csv) and Gabor-Granger demand and revenue per price (surveys/gabor-granger.csv).',
  );
  const research = await api.priceResearch(frame.onWait).finally(frame.done);
  if (!frame.shown()) return;
  const money: Money = (n) => formatMoney(n, research.currency);
  const { resamples, seed } = research.bootstrap;
  show(
    root,
    h('h1', {}, 'Price research'),
    h(
      'p',
      { class: 'muted' },
      'Willingness to pay from the project’s survey files, as tierwise price psm and tierwise price gabor-granger compute it.',
    ),
    h('h2', {}, 'Van Westendorp price sensitivity meter'),
    survey(
      research.psm,
      'psm',
      'too_cheap, cheap, expensive, too_expensive (and optionally buy_at_cheap, buy_at_expensive: purchase likelihood 1–5)',
      (r, svg) => psmBlock(r, money, svg),
    ),
    h('h2', {}, 'Gabor-Granger'),
    survey(
      research.gabor_granger,
      'gabor-granger',
      'one column per price tested (headed 29, $29 or price_29), answers yes/no or 1/0',
      (r, svg) => gaborGrangerBlock(r, money, svg),
    ),
    h('h2', {}, 'What this rests on'),
    h(
      'ul',
      { class: 'assumptions', 'data-testid': 'assumptions' },
      h(
        'li',
        {},
        `Intervals are 95% percentile-bootstrap intervals: ${formatNumber(resamples)} resamples of the respondents, seed ${seed} (the same seed gives the same intervals).`,
      ),
      h(
        'li',
        {},
        'Stated willingness to pay: what respondents say, not what they do; PSM prices are where the share curves cross (Van Westendorp 1976), Gabor-Granger demand is the share who would buy at each price asked (Gabor & Granger 1966).',
      ),
      h(
        'li',
        {},
        `Gabor-Granger's profit price assumes a unit cost of ${money(research.unit_cost)} (so it is the revenue price); tierwise price gabor-granger --unit-cost sets another.`,
      ),
      h(
        'li',
        {},
        'The Van Westendorp chart’s price axis spans the prices where fewer than 98% of respondents find a price too cheap or too expensive (a few outlying answers would squeeze the crossings into a corner); the curves table lists every price answered.',
      ),
      h(
        'li',
        {},
        'Newton-Miller-Smith calibrates the likelihood answers 5, 4, 3, 2, 1 as purchase probabilities 0.7, 0.5, 0.3, 0.1, 0.',
      ),
    ),
  );
}

/** A survey's block: its analysis, or why there is none. */
function survey<T>(
  analysis: SurveyAnalysis<T>,
  id: string,
  columns: string,
  block: (result: T, svg: string) => HTMLElement,
): HTMLElement {
  if (analysis.status === 'missing')
    return h(
      'p',
      { class: 'note', 'data-testid': `${id}-missing` },
      `No survey file: add one as ${analysis.file} in the project folder, with ${columns}, one respondent per row. The page reads it when next opened.`,
    );
  if (analysis.status === 'invalid')
    return h(
      'div',
      { class: 'error', role: 'alert', 'data-testid': `${id}-invalid` },
      h('strong', {}, `${analysis.file} cannot be analysed: `),
      analysis.message,
    );
  return h(
    'section',
    { 'data-testid': id },
    h('p', { class: 'muted' }, `From ${analysis.file}.`),
    block(analysis.result, analysis.svg),
  );
}

function intervalText(interval: { low: number; high: number } | null, money: Money): string {
  return interval === null ? '' : `${money(interval.low)} – ${money(interval.high)}`;
}

function warnings(list: readonly string[]): HTMLElement | null {
  return list.length === 0
    ? null
    : h(
        'ul',
        { class: 'notes' },
        list.map((w) => h('li', {}, `warning: ${w}`)),
      );
}

function psmBlock(psm: PsmResult, money: Money, svg: string): HTMLElement {
  const names = Object.keys(PSM_LABELS) as (keyof typeof PSM_LABELS)[];
  const excluded = psm.excluded.incomplete + psm.excluded.inconsistent;
  return h(
    'div',
    {},
    svgFigure(svg, 'Van Westendorp curves'),
    h(
      'p',
      {},
      `${formatNumber(psm.respondents)} respondents`,
      excluded > 0
        ? ` (left out: ${formatNumber(psm.excluded.incomplete)} incomplete, ${formatNumber(psm.excluded.inconsistent)} out of order)`
        : '',
      '; acceptable range ',
      h(
        'strong',
        { 'data-testid': 'psm-range' },
        psm.acceptable_range === null
          ? 'undefined (a crossing is missing)'
          : `${money(psm.acceptable_range.low)} to ${money(psm.acceptable_range.high)}`,
      ),
      ' (PMC to PME).',
    ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'psm-points' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['price point', 'price', 'low (95%)', 'high (95%)'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        names.map((name) => {
          const price = psm.points[name];
          const interval = psm.intervals[name];
          return h(
            'tr',
            { 'data-point': name },
            h('th', {}, PSM_LABELS[name]),
            h(
              'td',
              { 'data-value': price ?? undefined },
              price === null ? 'no crossing' : money(price),
            ),
            h('td', { 'data-value': interval?.low }, interval ? money(interval.low) : ''),
            h('td', { 'data-value': interval?.high }, interval ? money(interval.high) : ''),
          );
        }),
      ),
    ),
    psm.nms === null
      ? null
      : h(
          'p',
          { 'data-testid': 'psm-nms' },
          `Newton-Miller-Smith (${formatNumber(psm.nms.respondents)} respondents): trial-maximizing price ${money(psm.nms.trial_price)} (${formatPercent(psm.nms.trial)} would buy; ${intervalText(psm.nms.intervals.trial_price, money)}), revenue-maximizing price ${money(psm.nms.revenue_price)} (${money(psm.nms.revenue_per_respondent)} per respondent; ${intervalText(psm.nms.intervals.revenue_price, money)}).`,
        ),
    warnings(psm.warnings),
    h(
      'details',
      {},
      h('summary', {}, `The curves at each of the ${psm.curves.length} prices answered`),
      h(
        'table',
        { class: 'numbers', 'data-testid': 'psm-curves' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              'price',
              'too cheap',
              'cheap',
              'expensive',
              'too expensive',
              'not cheap',
              'not expensive',
            ].map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          psm.curves.map((p) =>
            h(
              'tr',
              {},
              h('th', { 'data-value': p.price }, money(p.price)),
              ...[
                p.too_cheap,
                p.cheap,
                p.expensive,
                p.too_expensive,
                p.not_cheap,
                p.not_expensive,
              ].map((share) => h('td', { 'data-value': share }, formatPercent(share))),
            ),
          ),
        ),
      ),
    ),
  );
}

function gaborGrangerBlock(gg: GaborGrangerResult, money: Money, svg: string): HTMLElement {
  return h(
    'div',
    {},
    svgFigure(svg, 'Gabor-Granger demand and revenue'),
    h(
      'p',
      {},
      `${formatNumber(gg.respondents)} respondents; revenue-maximizing price `,
      h('strong', { 'data-testid': 'gg-revenue-price' }, money(gg.revenue_price)),
      gg.intervals.revenue_price
        ? ` (95%: ${intervalText(gg.intervals.revenue_price, money)})`
        : '',
      `; profit-maximizing price at a unit cost of ${money(gg.unit_cost)}: `,
      h('strong', { 'data-testid': 'gg-profit-price' }, money(gg.profit_price)),
      '.',
    ),
    warnings(gg.warnings),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'gg-demand' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'price',
            'asked',
            'would buy',
            'low (95%)',
            'high (95%)',
            'revenue per respondent',
            'profit per respondent',
          ].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        gg.demand.map((d) =>
          h(
            'tr',
            { 'data-price': d.price },
            h('th', { 'data-value': d.price }, money(d.price)),
            h('td', { 'data-value': d.asked }, formatNumber(d.asked)),
            h('td', { 'data-value': d.demand }, formatPercent(d.demand)),
            h(
              'td',
              { 'data-value': d.demand_interval?.low },
              formatPercent(d.demand_interval?.low),
            ),
            h(
              'td',
              { 'data-value': d.demand_interval?.high },
              formatPercent(d.demand_interval?.high),
            ),
            h('td', { 'data-value': d.revenue }, money(d.revenue)),
            h('td', { 'data-value': d.profit }, money(d.profit)),
          ),
        ),
      ),
    ),
  );
}

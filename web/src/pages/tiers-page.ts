/**
 * Tiers: the optimized tier plan (`tierwise tiers`) — margin against today, scenarios, shadow
 * prices, the largest gains, the customers the plan lets go (exits) — and what-if controls: change a tier's monthly fee, a resource's
 * capacity or a tier's policy for a service, and the server re-runs the tiers computation with that
 * overlay (`POST /api/tiers/what-if`) and the page shows the margin move.
 */
import {
  ApiFailure,
  api,
  type TierChange,
  type TiersResponse,
  type TierWhatIfResponse,
} from '../api.js';
import { h, show } from '../dom.js';
import { drillLink } from '../filter-bar.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';
import { showJobFrame } from '../job-frame.js';
import { capacitySection, exitsChart, scenarioChart } from './tier-charts-section.js';

type Plan = NonNullable<TiersResponse['plan']>;

/** Exits listed on the page (highest margin today first); the count covers them all. */
const EXITS_SHOWN = 20;

/** `recommended=(exit)`: the customers the plan lets go (the server's filter part). */
const EXITS = '(exit)';

export async function renderTiers(
  root: HTMLElement,
  filter: URLSearchParams = new URLSearchParams(),
): Promise<void> {
  // The frame at once; the plan (a background job on a data state never computed) fills it in.
  const frame = showJobFrame(
    root,
    'Tiers',
    'The tier plan: the tier each customer is best served on within the firm’s capacity, its margin against today’s, the scenarios, shadow prices, the largest gains and the exits, with their charts and a what-if form.',
  );
  const loaded = await (async () => {
    try {
      const { plan } = await api.tiers(filter, frame.onWait);
      return plan === null ? null : { plan, charts: await api.tierCharts(frame.onWait) };
    } finally {
      frame.done();
    }
  })();
  if (!frame.shown()) return;
  if (loaded === null) {
    show(
      root,
      h('h1', {}, 'Tiers'),
      h(
        'p',
        {},
        'The model defines no service tiers. Add a tiers: key to tierwise.yaml (see docs/model.md) and restart tierwise serve.',
      ),
    );
    return;
  }
  const { plan, charts } = loaded;
  const money = (n: number) => formatMoney(n, plan.currency);
  const tiered = plan.scenarios.find((s) => s.kind === 'tiered')!;
  const statusQuo = plan.scenarios.find((s) => s.kind === 'status_quo');
  const figure = (id: string, value: string, label: string) =>
    h(
      'div',
      { class: 'figure' },
      h('span', { class: 'value', 'data-testid': id }, value),
      h('span', { class: 'label' }, label),
    );
  const result = h('div', { 'data-testid': 'what-if-result', 'aria-live': 'polite' });
  const filtered = plan.filtered_customers;
  show(
    root,
    h('h1', {}, 'Tiers'),
    filtered === undefined
      ? null
      : h(
          'p',
          { class: 'note', 'data-testid': 'tiers-filtered-note' },
          `Filtered: the largest gains and the exits below are the ${formatNumber(filtered)} filtered customers’; the plan, its scenarios, shadow prices and capacity are the firm’s (every customer).`,
        ),
    h(
      'div',
      { class: 'figures' },
      figure(
        'plan-margin',
        money(tiered.margin),
        `expected margin of the optimized plan (${plan.optimizer.status})`,
      ),
      statusQuo
        ? figure(
            'status-quo-margin',
            money(statusQuo.margin),
            "today: everyone on today's service and price",
          )
        : null,
      statusQuo && statusQuo.margin > 0
        ? figure(
            'plan-change',
            signedPercent(tiered.margin / statusQuo.margin - 1),
            'the plan against today',
          )
        : null,
    ),
    firmView(plan, money),
    h('h2', {}, 'What if'),
    whatIfForm(plan, result, money, filter),
    result,
    h('h2', {}, 'Scenarios'),
    scenarioChart(charts),
    scenarioTable(plan, money, filter),
    capacitySection(plan, charts),
    h('h2', {}, 'Shadow prices'),
    h(
      'p',
      { class: 'muted' },
      'What one more hour of each resource would add to the expected margin (0: capacity to spare).',
    ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'shadow-prices' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['resource', 'capacity (hours)', 'used (hours)', 'per hour'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        plan.shadow_prices.map((p) =>
          h(
            'tr',
            {},
            h('th', {}, p.resource),
            h('td', { 'data-value': p.capacity_hours }, formatNumber(p.capacity_hours, 1)),
            h('td', { 'data-value': p.used_hours }, formatNumber(p.used_hours, 1)),
            h('td', { 'data-value': p.per_hour }, money(p.per_hour)),
          ),
        ),
      ),
    ),
    h(
      'h2',
      {},
      `Largest gains over today (${formatNumber(plan.recommendations.length)} of ${formatNumber(plan.recommendations_total)})`,
    ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'tier-recommendations' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'customer',
            'today on',
            'tier',
            'margin today',
            'expected margin',
            'chance of staying',
            'why',
          ].map((t, i) =>
            h('th', { class: i === 1 || i === 2 || i === 6 ? 'text' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        plan.recommendations.map((r) =>
          h(
            'tr',
            {},
            h(
              'th',
              {},
              h('a', { href: `#/customers/${encodeURIComponent(r.customer_id)}` }, r.customer_id),
            ),
            currentCell(plan, r.current_tier, filter),
            h(
              'td',
              { class: 'text', 'data-value': r.label },
              drillLink(r.label, ['recommended', r.tier], filter),
            ),
            h('td', { 'data-value': r.today.margin }, money(r.today.margin)),
            h('td', { 'data-value': r.expected_margin }, money(r.expected_margin)),
            h('td', { 'data-value': r.p_stay ?? undefined }, formatPercent(r.p_stay)),
            h('td', { class: 'text' }, r.reason),
          ),
        ),
      ),
    ),
    exitsBlock(plan, money, filter),
    exitsChart(charts),
  );
}

/** The label of a customer's tier today, or – where the model does not say. */
function currentLabel(plan: Plan, tier: string | null): string {
  return plan.tiers.find((t) => t.name === tier)?.label ?? tier ?? '–';
}

/** The customers the plan lets go, apart from the recommendations: what they earn today. */
function exitsBlock(
  plan: Plan,
  money: (n: number) => string,
  filter: URLSearchParams,
): HTMLElement {
  const { exits } = plan;
  const shown = exits.customers.slice(0, EXITS_SHOWN);
  return h(
    'section',
    { 'data-testid': 'tier-exits' },
    h('h2', {}, `Exits: customers the plan lets go (${formatNumber(exits.count)})`),
    h(
      'p',
      {},
      exits.count === 0
        ? `None: every customer's option keeps it with a chance of ${formatPercent(exits.below)} or more.`
        : `Their option in the plan keeps them with a chance under ${formatPercent(exits.below)}; today they earn ${money(exits.today_margin)} in all${shown.length < exits.count ? ` (the ${shown.length} earning most today are listed)` : ''}.`,
      exits.count === 0
        ? null
        : h(
            'span',
            {},
            ' ',
            drillLink(`Open all ${formatNumber(exits.count)}`, ['recommended', EXITS], filter),
            ' in the customers table.',
          ),
    ),
    shown.length === 0
      ? null
      : h(
          'table',
          { class: 'numbers', 'data-testid': 'tier-exit-list' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['customer', 'today on', 'margin today', 'chance of staying', 'why'].map((t, i) =>
                h('th', { class: i === 1 || i === 4 ? 'text' : undefined }, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            shown.map((r) =>
              h(
                'tr',
                {},
                h(
                  'th',
                  {},
                  h(
                    'a',
                    { href: `#/customers/${encodeURIComponent(r.customer_id)}` },
                    r.customer_id,
                  ),
                ),
                currentCell(plan, r.current_tier, filter),
                h('td', { 'data-value': r.today.margin }, money(r.today.margin)),
                h('td', { 'data-value': r.p_stay ?? undefined }, formatPercent(r.p_stay)),
                h('td', { class: 'text' }, r.reason),
              ),
            ),
          ),
        ),
  );
}

/** Money to the cent, and hours to the thousandth (model capacities may carry decimals). */
const MONEY_STEP = '0.01';
const HOURS_STEP = '0.001';

function whatIfForm(
  plan: Plan,
  result: HTMLElement,
  money: (n: number) => string,
  filter: URLSearchParams,
): HTMLElement {
  const fees = plan.tiers.map((t) => ({
    tier: t,
    input: h('input', {
      type: 'number',
      min: 0,
      step: MONEY_STEP,
      value: t.monthly_fee,
      'data-testid': `fee-${t.name}`,
      'aria-label': `${t.label} monthly fee`,
    }),
  }));
  const capacities = plan.shadow_prices.map((p) => ({
    resource: p.resource,
    hours: p.capacity_hours,
    input: h('input', {
      type: 'number',
      min: 0,
      step: HOURS_STEP,
      value: p.capacity_hours,
      'data-testid': `capacity-${p.resource}`,
      'aria-label': `${p.resource} capacity in hours`,
    }),
  }));
  const policyTier = h(
    'select',
    { 'data-testid': 'policy-tier', 'aria-label': 'tier' },
    plan.tiers.map((t) => h('option', { value: t.name }, t.label)),
  );
  const policyActivity = h(
    'select',
    { 'data-testid': 'policy-activity', 'aria-label': 'service' },
    plan.services.map((s) => h('option', { value: s }, s)),
  );
  const policyKind = h(
    'select',
    { 'data-testid': 'policy-kind', 'aria-label': 'policy' },
    h('option', { value: '' }, 'as in the model'),
    h('option', { value: 'included' }, 'included'),
    h('option', { value: 'not_offered' }, 'not offered'),
    h('option', { value: 'fee' }, 'billed per event at'),
  );
  const policyFee = h('input', {
    type: 'number',
    min: 0,
    step: MONEY_STEP,
    value: 0,
    'data-testid': 'policy-fee',
    'aria-label': 'fee per event',
  });
  const run = h('button', { type: 'submit', 'data-testid': 'run-what-if' }, 'Run what-if');
  const form = h(
    'form',
    { class: 'what-if' },
    h(
      'table',
      { class: 'numbers' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'tier'),
          h('th', {}, 'monthly fee'),
          h('th', {}, 'customers in the plan'),
        ),
      ),
      h(
        'tbody',
        {},
        fees.map(({ tier, input }) =>
          h(
            'tr',
            {},
            h('th', {}, tier.label),
            h('td', {}, input),
            h(
              'td',
              { 'data-value': tier.customers },
              tier.customers > 0
                ? drillLink(formatNumber(tier.customers), ['recommended', tier.name], filter)
                : formatNumber(tier.customers),
            ),
          ),
        ),
      ),
    ),
    h(
      'table',
      { class: 'numbers' },
      h('thead', {}, h('tr', {}, h('th', {}, 'resource'), h('th', {}, 'capacity (hours)'))),
      h(
        'tbody',
        {},
        capacities.map(({ resource, input }) =>
          h('tr', {}, h('th', {}, resource), h('td', {}, input)),
        ),
      ),
    ),
    h('p', {}, 'Policy: ', policyTier, ' ', policyActivity, ' ', policyKind, ' ', policyFee),
    h(
      'p',
      {},
      run,
      ' ',
      h('span', { class: 'muted' }, 'the server re-optimizes the plan with these changes'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const changes: TierChange[] = [
      ...fees
        .filter(({ tier, input }) => Number(input.value) !== tier.monthly_fee)
        .map(({ tier, input }): TierChange => ({
          kind: 'price',
          tier: tier.name,
          monthly_fee: Number(input.value),
        })),
      ...capacities
        .filter(({ hours, input }) => Number(input.value) !== hours)
        .map(({ resource, input }): TierChange => ({
          kind: 'capacity',
          resource,
          hours: Number(input.value),
        })),
    ];
    const kind = policyKind.value;
    if (kind === 'included' || kind === 'not_offered')
      changes.push({
        kind: 'policy',
        tier: policyTier.value,
        activity: policyActivity.value,
        policy: kind,
      });
    else if (kind === 'fee')
      changes.push({
        kind: 'policy',
        tier: policyTier.value,
        activity: policyActivity.value,
        policy: { fee: Number(policyFee.value) },
      });
    if (changes.length === 0) {
      show(result, h('p', { class: 'muted' }, 'Change a fee, a capacity or a policy first.'));
      return;
    }
    void runWhatIf(changes, run, result, money);
  });
  return form;
}

/** A tier's name opening the customers on it today (`tier=`), or as it reads where there is none. */
function currentCell(plan: Plan, tier: string | null, filter: URLSearchParams): HTMLElement {
  const label = currentLabel(plan, tier);
  return h(
    'td',
    { class: 'text', 'data-value': label },
    tier === null || !plan.tiers.some((t) => t.name === tier)
      ? label
      : drillLink(label, ['tier', tier], filter),
  );
}

async function runWhatIf(
  changes: TierChange[],
  button: HTMLButtonElement,
  result: HTMLElement,
  money: (n: number) => string,
): Promise<void> {
  button.disabled = true;
  result.setAttribute('aria-busy', 'true');
  const started = performance.now();
  try {
    const answer = await api.whatIf({ changes });
    showWhatIf(result, answer, Math.round(performance.now() - started), money);
  } catch (error) {
    show(
      result,
      h(
        'div',
        { class: 'error', role: 'alert' },
        h('strong', {}, 'The what-if failed. '),
        error instanceof ApiFailure || error instanceof Error ? error.message : String(error),
      ),
    );
  } finally {
    button.disabled = false;
    result.setAttribute('aria-busy', 'false');
  }
}

function showWhatIf(
  result: HTMLElement,
  answer: TierWhatIfResponse,
  roundTripMs: number,
  money: (n: number) => string,
): void {
  const { scenario } = answer;
  show(
    result,
    h(
      'div',
      { class: 'figures' },
      h(
        'div',
        { class: 'figure' },
        h('span', { class: 'value', 'data-testid': 'what-if-margin' }, money(scenario.margin)),
        h('span', { class: 'label' }, 'expected margin with the changes'),
      ),
      h(
        'div',
        { class: 'figure' },
        h(
          'span',
          {
            class: `value ${answer.margin_change < 0 ? 'loss' : ''}`,
            'data-testid': 'what-if-change',
          },
          `${answer.margin_change >= 0 ? '+' : ''}${money(answer.margin_change)}`,
        ),
        h('span', { class: 'label' }, `against the plan's ${money(answer.baseline.margin)}`),
      ),
      h(
        'div',
        { class: 'figure' },
        h(
          'span',
          { class: 'value', 'data-testid': 'what-if-ms' },
          `${formatNumber(roundTripMs)} ms`,
        ),
        h(
          'span',
          { class: 'label' },
          `answered in (server: ${formatNumber(answer.milliseconds)} ms)`,
        ),
      ),
    ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'what-if-tiers' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['tier', 'monthly fee', 'customers'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        answer.tiers.map((t) =>
          h(
            'tr',
            { 'data-tier': t.name },
            h('th', {}, t.label),
            h('td', { 'data-value': t.monthly_fee }, money(t.monthly_fee)),
            h('td', { 'data-value': t.customers }, formatNumber(t.customers)),
          ),
        ),
      ),
    ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'what-if-capacity' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['resource', 'capacity (hours)', 'used (hours)', 'shadow price per hour'].map((t) =>
            h('th', {}, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        answer.shadow_prices.map((p) =>
          h(
            'tr',
            {},
            h('th', {}, p.resource),
            h('td', { 'data-value': p.capacity_hours }, formatNumber(p.capacity_hours, 1)),
            h('td', { 'data-value': p.used_hours }, formatNumber(p.used_hours, 1)),
            h('td', { 'data-value': p.per_hour }, money(p.per_hour)),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `expected leavers ${formatNumber(scenario.expected_leavers, 1)} · revenue ${money(scenario.revenue)} · cost to serve ${money(scenario.serve_cost)} · ${scenario.fits_capacity ? 'fits capacity' : 'does not fit capacity'}`,
    ),
  );
}

/**
 * The plan against today as the firm sees it: firm margins at today's capacity and, apart, with the
 * headcount the optimizer chooses, and what each gain rests on (the library's figures and notes).
 */
function firmView(plan: Plan, money: (n: number) => string): HTMLElement {
  const { at_today_capacity: today, with_capacity_change: change } = plan.gains;
  const signed = (n: number) => `${n >= 0 ? '+' : '−'}${money(Math.abs(n))}`;
  const figure = (id: string, value: string, label: string) =>
    h(
      'div',
      { class: 'figure' },
      h('span', { class: 'value', 'data-testid': id }, value),
      h('span', { class: 'label' }, label),
    );
  return h(
    'section',
    { 'data-testid': 'firm-view' },
    h('h2', {}, 'The plan against today, as the firm sees it'),
    h(
      'div',
      { class: 'figures' },
      figure(
        'firm-gain',
        signed(today.gain),
        `firm margin at today's capacity (${money(today.plan_margin)} vs ${money(today.status_quo_margin)})`,
      ),
      change
        ? figure(
            'firm-capacity-gain',
            signed(change.gain),
            `with the headcount the optimizer chooses: ${change.units.map((u) => `${u.resource} ${formatNumber(u.today, 1)} → ${formatNumber(u.chosen, 1)}`).join(', ')}`,
          )
        : null,
    ),
    h(
      'ul',
      { class: 'notes', 'data-testid': 'tier-notes' },
      plan.notes.map((n) => h('li', {}, n)),
    ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'tier-firm-pnl' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'scenario',
            'revenue',
            'direct costs',
            'resources carried',
            'channel spend',
            'firm margin',
          ].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        plan.scenarios.flatMap((s) =>
          s.firm_pnl
            ? [
                h(
                  'tr',
                  { 'data-firm-scenario': s.kind },
                  h('th', {}, s.name),
                  h('td', { 'data-value': s.firm_pnl.revenue }, money(s.firm_pnl.revenue)),
                  h('td', { 'data-value': s.firm_pnl.direct_cost }, money(s.firm_pnl.direct_cost)),
                  h(
                    'td',
                    { 'data-value': s.firm_pnl.resource_cost },
                    money(s.firm_pnl.resource_cost),
                  ),
                  h(
                    'td',
                    { 'data-value': s.firm_pnl.channel_spend },
                    money(s.firm_pnl.channel_spend),
                  ),
                  h(
                    'td',
                    { 'data-value': s.firm_pnl.margin, class: s.firm_pnl.margin < 0 ? 'loss' : '' },
                    money(s.firm_pnl.margin),
                  ),
                ),
              ]
            : [],
        ),
      ),
    ),
  );
}

/**
 * The scenarios side by side, each adding up: revenue − direct cost − cost to serve = margin (all
 * expected: each customer's figures × its chance of staying). Cost to acquire is left out (sunk),
 * and the note under the table says so; the plan's exits open their customers.
 */
function scenarioTable(
  plan: Plan,
  money: (n: number) => string,
  filter: URLSearchParams,
): HTMLElement {
  const table = h(
    'table',
    { class: 'numbers', 'data-testid': 'tier-scenarios' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          'scenario',
          'revenue',
          'direct cost',
          'cost to serve',
          'margin',
          'expected leavers',
          'exits',
          'customers per tier',
          'fits capacity',
        ].map((t, i) => h('th', { class: i === 7 ? 'text' : undefined }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      plan.scenarios.map((s) =>
        h(
          'tr',
          { 'data-scenario': s.kind },
          h('th', {}, s.name),
          h('td', { 'data-value': s.revenue }, money(s.revenue)),
          h('td', { 'data-value': s.direct_cost }, money(s.direct_cost)),
          h('td', { 'data-value': s.serve_cost }, money(s.serve_cost)),
          h('td', { 'data-value': s.margin, class: s.margin < 0 ? 'loss' : '' }, money(s.margin)),
          h('td', { 'data-value': s.expected_leavers }, formatNumber(s.expected_leavers, 1)),
          h(
            'td',
            { 'data-value': s.exits ?? undefined },
            s.exits === undefined
              ? ''
              : s.kind === 'tiered' && s.exits > 0 && plan.filtered_customers === undefined
                ? drillLink(formatNumber(s.exits), ['recommended', EXITS], filter)
                : formatNumber(s.exits),
          ),
          h(
            'td',
            { class: 'text' },
            Object.entries(s.customers_per_tier)
              .filter(([, n]) => n > 0)
              .map(([label, n]) => `${label} ${formatNumber(n)}`)
              .join(', '),
          ),
          h('td', {}, s.fits_capacity ? 'yes' : 'no'),
        ),
      ),
    ),
  );
  return h(
    'div',
    {},
    table,
    h(
      'p',
      { class: 'muted', 'data-testid': 'tier-scenarios-note' },
      'Expected figures (each customer’s × its chance of staying), of every customer: revenue − direct cost − cost to serve = margin. Cost to acquire is left out: it is spent already, whatever the plan. Scenarios are alternatives, so there is no totals row.',
    ),
  );
}

function signedPercent(share: number): string {
  return `${share >= 0 ? '+' : '−'}${formatPercent(Math.abs(share))}`;
}

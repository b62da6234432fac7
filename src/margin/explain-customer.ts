/**
 * One customer's margin as a waterfall, from revenue down to margin, naming each driver:
 * "37 support_ticket events (severity = high) × 60 min × $0.50/min". Events are grouped by the
 * driver values their time equation reads, so each line is a cost someone can check by hand.
 */
import { assertNever, didYouMean, TierwiseError } from '../errors.js';
import { formatMoney, formatNumber } from '../format.js';
import { equationColumns, resolveColumn } from '../expr/index.js';
import { ident, join, raw, sql } from '../sql/fragment.js';
import type { Store } from '../store/store.js';
import type { EventColumns } from './check-equations.js';
import { compileChannelAllocation } from './compile-channel-allocation.js';
import { compileEventMinutes } from './compile-margin.js';
import { activityCost, channelCostValue, directCostValue } from './cost-kinds.js';
import { activityNamed, type AcquisitionRule, type CostModel } from './cost-model.js';
import type { CustomerBase } from './customer-base.js';

/** One line under a waterfall step. Amounts are signed as they move margin (costs negative). */
export interface WaterfallDriver {
  label: string;
  amount: number;
  activity?: string;
  resource?: string;
  events?: number;
  minutes?: number;
  cost_per_minute?: number;
  /** Driver column values of this group of events, e.g. `{ severity: 'high' }`. */
  drivers?: Record<string, string | null>;
  logged_minutes?: boolean;
}

export interface WaterfallStep {
  step: 'revenue' | 'direct_cost' | 'acquisition_cost' | 'serve_cost';
  amount: number;
  drivers: WaterfallDriver[];
}

export interface CustomerExplanation {
  customer_id: string;
  currency: string;
  period: { from: string; to: string };
  attributes: Record<string, unknown>;
  steps: WaterfallStep[];
  margin: number;
}

/** One customer's waterfall from revenue to margin, every line a driver someone can check by hand. */
export async function explainCustomer(
  base: CustomerBase,
  customerId: string,
): Promise<CustomerExplanation> {
  const { db, costModel: model } = base;
  const { dialect } = db;
  // The customer's own columns (the base's attributes), not the store's bookkeeping ones.
  const attributes = join([...base.customerColumns.keys()].map((name) => ident(name)));
  const customer = await db.one(
    sql`SELECT ${attributes} FROM customers WHERE customer_id = ${customerId}`,
  );
  if (!customer) {
    const near = await db.all<{ customer_id: string }>(
      sql`SELECT customer_id FROM customers ORDER BY ${dialect.textSimilarity(raw('customer_id'), sql`${customerId}`)} DESC LIMIT 5`,
    );
    throw new TierwiseError({
      code: 'customer_not_found',
      message: `no customer "${customerId}"`,
      hint:
        didYouMean(
          customerId,
          near.map((n) => n.customer_id),
        ) ?? 'list customers with `tierwise margin`',
    });
  }
  // The base refused events whose minutes came out empty or negative, so every event here costs.
  const columns = base.eventColumns;
  const money = moneyFormat(model.currency);
  const { from, to } = model.period;
  const inPeriod = sql`BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE)`;

  const revenueRows = await db.all<{ refund: boolean; n: number; amount: number }>(sql`
    SELECT amount < 0 AS refund, count(*) AS n, ${dialect.toDouble(raw('sum(amount)'))} AS amount
    FROM transactions WHERE customer_id = ${customerId} AND date ${inPeriod} GROUP BY (amount < 0) ORDER BY refund`);
  const revenue = revenueRows.reduce((s, r) => s + r.amount, 0);
  const revenueDrivers = revenueRows.map((r) => ({
    label: `${r.n} ${r.refund ? (r.n === 1 ? 'refund' : 'refunds') : r.n === 1 ? 'payment' : 'payments'}`,
    amount: r.amount,
  }));

  const usage = await db.all<{ metric: string; quantity: number }>(sql`
    SELECT metric, sum(quantity) AS quantity FROM usage WHERE customer_id = ${customerId} AND date ${inPeriod} GROUP BY metric`);
  const inputs = {
    usage: (metric: string) => usage.find((u) => u.metric === metric)?.quantity ?? 0,
    revenue,
  };
  const directDrivers: WaterfallDriver[] = model.directCosts.map((d) => {
    const label =
      d.kind === 'usage'
        ? `${d.name}: ${formatQuantity(inputs.usage(d.metric))} ${d.metric} × ${money(d.unitCost, 4)}`
        : `${d.name}: ${formatQuantity(d.share * 100)}% of ${money(revenue)} revenue`;
    return { label, amount: -directCostValue(d, inputs) };
  });

  const activityDrivers = await activityGroups(db, model, columns, customerId, money);
  const channel = await channelShare(db, model, customerId, money);
  const acquisitionDrivers = [
    ...activityDrivers.filter((d) => purposeOf(model, d.activity) === 'acquire'),
    ...channel,
  ];
  const serveDrivers = activityDrivers.filter((d) => purposeOf(model, d.activity) === 'serve');

  const total = (drivers: WaterfallDriver[]) => drivers.reduce((s, d) => s + d.amount, 0);
  const steps: WaterfallStep[] = [
    { step: 'revenue', amount: revenue, drivers: revenueDrivers },
    { step: 'direct_cost', amount: total(directDrivers), drivers: directDrivers },
    { step: 'acquisition_cost', amount: total(acquisitionDrivers), drivers: acquisitionDrivers },
    { step: 'serve_cost', amount: total(serveDrivers), drivers: serveDrivers },
  ];
  return {
    customer_id: customerId,
    currency: model.currency,
    period: { ...model.period },
    attributes: customer,
    steps,
    margin: steps.reduce((s, step) => s + step.amount, 0),
  };
}

function purposeOf(model: CostModel, activity: string | undefined) {
  return model.activities.find((a) => a.name === activity)?.purpose;
}

/** Events grouped by activity, the driver values their equation reads, and whether minutes were logged. */
async function activityGroups(
  db: Store,
  model: CostModel,
  columns: EventColumns,
  customerId: string,
  money: MoneyFormat,
): Promise<WaterfallDriver[]> {
  // Each driver column counts only for the activities whose equation reads it.
  const readers = new Map<string, string[]>();
  for (const a of model.activities) {
    for (const name of equationColumns(a.timeEquation)) {
      const found = resolveColumn(name, columns.types);
      if (found.kind === 'found')
        readers.set(found.name, [...(readers.get(found.name) ?? []), a.name]);
    }
  }
  const driverNames = [...readers.keys()];
  const driverSelect = driverNames.map(
    (name, i) =>
      sql`CASE WHEN activity IN (${join(readers.get(name)!.map((a) => sql`${a}`))}) THEN CAST(${ident(name)} AS VARCHAR) END AS ${ident(`d${i}`)}`,
  );
  const events = compileEventMinutes(model, db.dialect, columns, { byMonth: false }, [
    raw('minutes IS NOT NULL AS logged'),
    ...driverSelect,
  ]);
  const groupKeys = join([
    raw('activity'),
    raw('logged'),
    ...driverNames.map((_, i) => ident(`d${i}`)),
  ]);
  const rows = await db.all(sql`
    SELECT ${groupKeys}, count(*) AS events, sum(minutes) AS minutes, min(minutes) AS min_minutes, max(minutes) AS max_minutes
    FROM (${events}) AS e WHERE customer_id = ${customerId} GROUP BY ${groupKeys} ORDER BY sum(e.minutes) DESC, activity`);
  const drivers = rows.map((row) => {
    const activity = activityNamed(model, String(row['activity']));
    const costPerMinute = activity.ratePerMinute;
    const n = Number(row['events']);
    const minutes = Number(row['minutes']);
    const drivers = Object.fromEntries(
      driverNames.flatMap((name, i) =>
        row[`d${i}`] === null || row[`d${i}`] === undefined ? [] : [[name, String(row[`d${i}`])]],
      ),
    );
    const described = Object.entries(drivers)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ');
    const what = `${n} ${activity.name} ${n === 1 ? 'event' : 'events'}${described ? ` (${described})` : ''}`;
    const uniform = row['min_minutes'] === row['max_minutes'];
    const logged = row['logged'] === true;
    const label = uniform
      ? `${what}${logged ? ', logged' : ''} × ${formatQuantity(minutes / n)} min × ${money(costPerMinute, 4)}/min`
      : `${what}${logged ? ' with logged minutes' : ''}: ${formatQuantity(minutes)} min in all × ${money(costPerMinute, 4)}/min`;
    return {
      label,
      amount: -activityCost(activity, minutes),
      activity: activity.name,
      resource: activity.resource,
      events: n,
      minutes,
      cost_per_minute: costPerMinute,
      drivers,
      logged_minutes: logged,
    };
  });
  return foldSmallGroups(drivers, money);
}

/** Groups shown per activity before the rest are folded into one line. */
const GROUPS_PER_ACTIVITY = 6;

/** Keeps the costliest groups of each activity and folds the others into "… more events". */
function foldSmallGroups(drivers: WaterfallDriver[], money: MoneyFormat): WaterfallDriver[] {
  const out: WaterfallDriver[] = [];
  const seen = new Map<string, WaterfallDriver[]>();
  for (const d of drivers) seen.set(d.activity!, [...(seen.get(d.activity!) ?? []), d]);
  for (const [activity, groups] of seen) {
    out.push(...groups.slice(0, GROUPS_PER_ACTIVITY));
    const rest = groups.slice(GROUPS_PER_ACTIVITY);
    if (rest.length === 0) continue;
    const events = rest.reduce((s, d) => s + d.events!, 0);
    const minutes = rest.reduce((s, d) => s + d.minutes!, 0);
    const costPerMinute = rest[0]!.cost_per_minute!;
    out.push({
      label: `${events} more ${activity} events: ${formatQuantity(minutes)} min in all × ${money(costPerMinute, 4)}/min`,
      amount: -minutes * costPerMinute,
      activity,
      resource: rest[0]!.resource,
      events,
      minutes,
      cost_per_minute: costPerMinute,
    });
  }
  return out;
}

/**
 * The customer's shares of its channel's spend, one line per month of spend it shares, by the
 * margin's own allocation and rule (so the lines add up to the margin's channel cost).
 */
async function channelShare(
  db: Store,
  model: CostModel,
  customerId: string,
  money: MoneyFormat,
): Promise<WaterfallDriver[]> {
  const { dialect } = db;
  const rows = await db.all<{
    channel: string;
    month: string;
    acquired_in: string;
    spend: number;
    acquired: number;
    weight: number;
    total_weight: number;
  }>(sql`
    SELECT channel, ${dialect.formatMonth(raw('spend_month'))} AS month, ${dialect.formatMonth(raw('acquisition_month'))} AS acquired_in,
      ${dialect.toDouble(raw('spend'))} AS spend, CAST(acquired AS INTEGER) AS acquired,
      ${dialect.toDouble(raw('weight'))} AS weight, ${dialect.toDouble(raw('total_weight'))} AS total_weight
    FROM (${compileChannelAllocation(model, dialect)}) AS a
    WHERE customer_id = ${customerId} ORDER BY spend_month`);
  return rows.map((row) => ({
    label: channelShareLabel(model.acquisition, row, money),
    amount: -channelCostValue(model.acquisition, {
      spend: row.spend,
      acquired: row.acquired,
      weight: row.weight,
      totalWeight: row.total_weight,
    }),
  }));
}

/** How one month's share was worked out, in the rule's own terms. */
function channelShareLabel(
  rule: AcquisitionRule,
  row: {
    channel: string;
    month: string;
    spend: number;
    acquired: number;
    weight: number;
    total_weight: number;
  },
  money: MoneyFormat,
): string {
  const spent = `${row.channel} spend in ${row.month}: ${money(row.spend)}`;
  const customers = `${row.acquired} ${row.acquired === 1 ? 'customer' : 'customers'}`;
  switch (rule.kind) {
    case 'per_new_customer':
      return `${spent} ÷ ${customers} acquired`;
    case 'trailing_months':
      return `${spent} ÷ ${customers} acquired in the ${rule.months} months to ${row.month}`;
    case 'first_year_revenue':
      return row.total_weight > 0
        ? `${spent} × ${money(row.weight)} first-year revenue ÷ ${money(row.total_weight)} of the ${customers} acquired`
        : `${spent} ÷ ${customers} acquired (none has first-year revenue)`;
    default:
      return assertNever(rule);
  }
}

type MoneyFormat = (amount: number, maxDigits?: number) => string;

function moneyFormat(currency: string): MoneyFormat {
  return (amount, maxDigits) => formatMoney(amount, currency, maxDigits);
}

function formatQuantity(n: number): string {
  return formatNumber(n, 2);
}

/** `tierwise explain CUSTOMER`: one customer's waterfall from revenue to margin, driver by driver. */
import type { Command } from 'commander';
import type { CustomerExplanation } from '../../margin/explain-customer.js';
import { parseFormat, withCustomerBase, type GlobalOptions } from '../cli-context.js';
import { formatMoney, print, renderCsv, renderJson, type OutputFormat } from '../output.js';

const STEP_TITLES = {
  revenue: 'revenue',
  direct_cost: 'direct costs',
  acquisition_cost: 'cost to acquire',
  serve_cost: 'cost to serve',
} as const;

export function registerExplainCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('explain')
    .argument('<customer>', 'the customer_id')
    .description("one customer's margin as a waterfall, naming each cost driver")
    .option('--format <format>', 'table, json or csv', parseFormat, 'table')
    .action(async (customer: string, options: { format: OutputFormat }) => {
      const { explainCustomer } = await import('../../margin/explain-customer.js');
      await withCustomerBase(globals(), async (base) => {
        print(renderExplanation(await explainCustomer(base, customer), options.format));
      });
    });
}

export function renderExplanation(e: CustomerExplanation, format: OutputFormat): string {
  if (format === 'json') return renderJson(e);
  const rows = e.steps.flatMap((s) => s.drivers.map((d) => ({ step: s.step, ...d })));
  if (format === 'csv') {
    return renderCsv(
      [
        { header: 'step', value: (r: (typeof rows)[number]) => r.step },
        { header: 'driver', value: (r) => r.label },
        { header: 'amount', value: (r) => r.amount },
      ],
      rows,
    );
  }
  const money = (v: number) => formatMoney(v, e.currency);
  const width = Math.max(40, ...rows.map((r) => r.label.length + 4));
  const amountWidth = Math.max(14, ...e.steps.map((s) => money(s.amount).length + 2));
  const line = (label: string, amount: string) =>
    `${label.padEnd(width)}${amount.padStart(amountWidth)}`;
  const attributes = Object.entries(e.attributes)
    .filter(([k]) => k !== 'customer_id')
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .join(' ');
  const out = [
    `customer ${e.customer_id}  ${attributes}`,
    `period ${e.period.from} to ${e.period.to}`,
    '',
  ];
  let running = 0;
  for (const step of e.steps) {
    running += step.amount;
    out.push(line(STEP_TITLES[step.step], money(step.amount)));
    for (const d of step.drivers) out.push(line(`    ${d.label}`, money(d.amount)));
    if (step.drivers.length === 0) out.push('    (none)');
    if (step.step !== 'revenue') out.push(line('  = running margin', money(running)));
    out.push('');
  }
  out.push(line('margin', money(e.margin)));
  return out.join('\n');
}

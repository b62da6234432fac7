/**
 * Names and values chosen by users reach SQL only as quoted identifiers or bound parameters: a
 * model and data full of quotes, semicolons and comment markers compute the same margins and
 * leave every table in place.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { computeMargin } from '../../src/margin/run-margin.js';
import { explainCustomer } from '../../src/margin/explain-customer.js';
import { openProject, type Project } from '../../src/project.js';
import { sql } from '../../src/sql/fragment.js';

const EVIL_ACTIVITY = `call'); DROP TABLE customers; --`;
const EVIL_RESOURCE = 'agent"; DROP TABLE spend; --';
const EVIL_COLUMN = `sev"erity'--`;

let dir: string;
let project: Project;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-injection-'));
  await mkdir(path.join(dir, 'data'));
  const yamlQuote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  await writeFile(
    path.join(dir, 'tierwise.yaml'),
    `name: Injection
period: { from: 2025-01-01, to: 2025-12-31 }
sources:
  customers: data/customers.csv
  transactions: data/transactions.csv
  activities: data/activities.csv
resources:
  ${yamlQuote(EVIL_RESOURCE)}: { cost: 60000, capacity_hours: 1000 }
activities:
  ${yamlQuote(EVIL_ACTIVITY)}: { resource: ${yamlQuote(EVIL_RESOURCE)}, minutes: ${yamlQuote(`10 + 20 * ("sev""erity'--" = 'hi''gh; --')`)} }
`,
  );
  const csv = (s: string) => `"${s.replaceAll('"', '""')}"`;
  await writeFile(
    path.join(dir, 'data/customers.csv'),
    `customer_id,${csv("plan'; DROP TABLE usage; --")}\n${csv("O'Brien; --")},${csv("pro'--")}\n`,
  );
  await writeFile(
    path.join(dir, 'data/transactions.csv'),
    `customer_id,date,amount\n${csv("O'Brien; --")},2025-02-01,100\n`,
  );
  await writeFile(
    path.join(dir, 'data/activities.csv'),
    `customer_id,date,activity,${csv(EVIL_COLUMN)}\n${csv("O'Brien; --")},2025-02-02,${csv(EVIL_ACTIVITY)},${csv("hi'gh; --")}\n${csv("O'Brien; --")},2025-02-03,${csv(EVIL_ACTIVITY)},low\n`,
  );
  project = await openProject({ dir, inMemory: true });
});
afterAll(async () => {
  project.close();
  await rm(dir, { recursive: true, force: true });
});

it('computes margins over names full of quotes, semicolons and comment markers', async () => {
  // $1/min; one event matches the quoted severity (30 min), one does not (10 min).
  const report = await computeMargin(await project.customerBase());
  expect(report.customers).toHaveLength(1);
  expect(report.customers![0]).toMatchObject({
    customer_id: "O'Brien; --",
    revenue: 100,
    serve_cost: 40,
    margin: 60,
  });
  expect(report.customers![0]!.activities[EVIL_ACTIVITY]).toEqual({
    events: 2,
    minutes: 40,
    cost: 40,
  });
  const grouped = await computeMargin(await project.customerBase(), {
    by: ["plan'; DROP TABLE usage; --"],
  });
  expect(grouped.groups![0]!.key).toEqual({ "plan'; DROP TABLE usage; --": "pro'--" });
});

it('explains the customer with the odd driver value verbatim', async () => {
  const explanation = await explainCustomer(await project.customerBase(), "O'Brien; --");
  expect(explanation.steps[3]!.drivers.map((d) => d.label)).toEqual([
    `1 ${EVIL_ACTIVITY} event (${EVIL_COLUMN} = hi'gh; --) × 30 min × $1.00/min`,
    `1 ${EVIL_ACTIVITY} event (${EVIL_COLUMN} = low) × 10 min × $1.00/min`,
  ]);
});

it('leaves every table in place', async () => {
  const tables = await project.db.all<{ table_name: string }>(
    sql`SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name`,
  );
  expect(tables.map((t) => t.table_name)).toEqual([
    'activities',
    'customers',
    'spend',
    'transactions',
    'tw_import_state',
    'tw_line_shifts',
    'tw_source_files',
    'usage',
  ]);
});

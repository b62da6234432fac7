#!/usr/bin/env node
/**
 * What a dashboard user waits for on a large project: the customer base (every customer's margin,
 * `project.customerBase()`), `createApp(base)`, and the first and second answer of each API call,
 * in process (`app.request`).
 *
 *   npm run build && node bench/serve-bench.mjs [--customers 100000]
 *
 * The demo is generated into bench/out/serve-demo-<N> once and reused; the import runs into an
 * in-memory database every time.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp, generateDemo, openProject } from '../dist/index.js';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '100000' } } });
const customers = Number(values.customers);
const dir = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'out',
  `serve-demo-${customers}`,
);
if (!existsSync(path.join(dir, 'tierwise.yaml'))) await generateDemo({ dir, customers, seed: 42 });

const ms = (start) => `${(performance.now() - start).toFixed(0)} ms`;
let start = performance.now();
const project = await openProject({ dir, inMemory: true });
console.log(`${customers.toLocaleString('en-US')} customers: import ${ms(start)}`);
start = performance.now();
const base = await project.customerBase();
console.log(`customer base (margins) ${ms(start)}`);
start = performance.now();
const app = await createApp(base);
console.log(`createApp(base) ${ms(start)}`);

const id = `C${String(751).padStart(Math.max(5, String(customers).length), '0')}`;
const urls = [
  '/api/overview',
  '/api/customers',
  `/api/customers?sort=revenue&order=desc&offset=${Math.floor(customers / 2)}`,
  '/api/customers?search=C0001',
  `/api/customers/${id}`,
  '/api/charts/whale.svg',
  '/api/charts/matrix.svg',
  '/api/segments',
];
console.log('| request | first | second |');
console.log('|---|---|---|');
for (const url of urls) {
  const times = [];
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    const response = await app.request(url);
    await response.arrayBuffer();
    if (response.status !== 200)
      throw new Error(`BENCH FAILED: ${url} answered ${response.status}`);
    times.push(ms(t));
  }
  console.log(`| \`${url}\` | ${times[0]} | ${times[1]} |`);
}
project.close();

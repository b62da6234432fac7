#!/usr/bin/env node
/**
 * Checks that two library builds give the same margin reports (to 1e-9 relative) on a demo
 * project, for the per-customer, by-month and by-attribute groupings:
 *   node bench/compare-builds.mjs DIST_A DIST_B [--customers N]
 * Either build may be from before the customer base (issue 11: computeMargin(project, options)) or
 * after it (computeMargin(await project.customerBase(), options)).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const [a, b] = process.argv.slice(2);
const n = process.argv.includes('--customers')
  ? process.argv[process.argv.indexOf('--customers') + 1]
  : '2000';
const dir = path.resolve('bench/out', `demo-${n}-csv`);
const load = (d) => import(pathToFileURL(path.resolve(d, 'index.js')).href);
const [A, B] = await Promise.all([load(a), load(b)]);
/** The margin report of a build on a freshly opened in-memory project, by the build's own API. */
async function marginReport(lib, options) {
  const project = await lib.openProject({ dir, inMemory: true });
  try {
    return await lib.computeMargin(
      typeof project.customerBase === 'function' ? await project.customerBase() : project,
      options,
    );
  } finally {
    project.close();
  }
}
const close = (x, y, where) => {
  if (typeof x === 'number' && typeof y === 'number') {
    if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x), Math.abs(y)))
      throw new Error(`${where}: ${x} vs ${y}`);
  } else if (x && typeof x === 'object') {
    const keys = new Set([...Object.keys(x), ...Object.keys(y ?? {})]);
    for (const k of keys) close(x[k], y?.[k], `${where}.${k}`);
  } else if (x !== y) throw new Error(`${where}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
};
for (const options of [
  {},
  { top: 50, sort: { field: 'serve_cost', descending: false } },
  { by: ['month'] },
  { by: ['plan'] },
  { by: ['month', 'channel'] },
]) {
  const ra = await marginReport(A, options);
  const rb = await marginReport(B, options);
  close(ra, rb, JSON.stringify(options));
  console.log(`same report for ${JSON.stringify(options)}`);
}

#!/usr/bin/env node
// Records DuckDB's per-platform bindings in package-lock.json. The registry these machines reach
// serves only the linux-x64 binding, so `npm install` here leaves the other platforms' optional
// packages out of the lockfile, and `npm ci` then refuses the lockfile. Run after `npm install`:
//   node scripts/lock-duckdb-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const bindings = lock.packages['node_modules/@duckdb/node-bindings'];
const platforms = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm64': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  'linux-x64': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  'linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  'win32-arm64': { os: ['win32'], cpu: ['arm64'] },
  'win32-x64': { os: ['win32'], cpu: ['x64'] },
};
let added = 0;
for (const [platform, constraints] of Object.entries(platforms)) {
  const key = `node_modules/@duckdb/node-bindings-${platform}`;
  if (lock.packages[key] || !bindings) continue;
  lock.packages[key] = {
    version: bindings.version,
    license: 'MIT',
    optional: true,
    ...constraints,
  };
  added++;
}
const root = lock.packages[''];
const rest = Object.keys(lock.packages)
  .filter((k) => k !== '')
  .sort();
lock.packages = Object.fromEntries([['', root], ...rest.map((k) => [k, lock.packages[k]])]);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);

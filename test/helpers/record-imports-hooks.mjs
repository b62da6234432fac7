/**
 * The resolve hook of record-imports.mjs. It runs on Node's loader thread, so it writes each URL
 * synchronously: nothing is lost when the program exits.
 */
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data?.log;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}

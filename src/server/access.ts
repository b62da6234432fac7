/**
 * Who may call the API. On a loopback address the machine's own user is the only caller, so no
 * token is needed — but the Host header must name a loopback host too, so a web page cannot
 * reach the API through DNS rebinding. On any other address a token is required, sent as
 * `Authorization: Bearer TOKEN` and compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { TierwiseError } from '../errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The token a server on `host` must require, or `undefined` when it needs none; throws when one is missing. */
export function requiredToken(host: string, token: string | undefined): string | undefined {
  if (token !== undefined && token.length < 16) {
    throw new TierwiseError({
      code: 'usage',
      message: 'the access token is too short',
      hint: 'use at least 16 characters, e.g. the output of `openssl rand -hex 16`',
    });
  }
  if (token === undefined && !isLoopback(host)) {
    throw new TierwiseError({
      code: 'usage',
      message: `--host ${host}: serving beyond this machine needs an access token`,
      hint: 'pass --token TOKEN or set TIERWISE_TOKEN (at least 16 characters), or keep the default --host 127.0.0.1',
    });
  }
  return token;
}

/** Constant-time equality of two strings: both are hashed first, so their lengths leak nothing either. */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The bearer token of an Authorization header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const found = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return found?.[1];
}

/**
 * Whether a request's `Origin` header (when sent) names the server's own origin — the same scheme,
 * host and port as the URL it was sent to. Browsers send `Origin` on every cross-origin request and
 * on same-origin POSTs, so a page elsewhere cannot act through the user's browser; tools that send
 * no `Origin` (curl, the CLI) are not browsers and pass.
 */
export function isSameOrigin(origin: string | undefined, requestUrl: string): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).origin === new URL(requestUrl).origin;
  } catch {
    return false; // `Origin: null` (a sandboxed frame, a file:// page) or garbage
  }
}

/** Whether a `Content-Type` header is JSON (`application/json`, parameters such as charset allowed). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

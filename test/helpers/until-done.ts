/** Asks a server endpoint again while it answers 202 (a background job under way), as the dashboard does. */
import type { Hono } from 'hono';

export async function requestUntilDone(
  app: Hono,
  url: string,
  init?: RequestInit,
): Promise<Response> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await app.request(url, init);
    if (response.status !== 202 || Date.now() > deadline) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

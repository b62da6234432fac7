/**
 * The API behind the dashboard's Price research and Prospects pages, in process over a copy of
 * the tiny project: survey files found (or not) at their fixed names, leads files listed from the
 * project's folders only, uploads size-limited and JSON-only, and errors that say what to do.
 */
import type { Hono } from 'hono';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Project } from '../../src/project.js';
import type {
  ApiError,
  LeadsFilesResponse,
  PriceResearchResponse,
} from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';
import { requestUntilDone } from '../helpers/until-done.js';

let copy: TempProject;
let project: Project;
let app: Hono;

beforeAll(async () => {
  copy = await tempProject();
  await mkdir(copy.file('surveys'));
  await mkdir(copy.file('leads'));
  // Four respondents at $10, $20, $30: 3, 2 and 1 of them would buy.
  await copy.write(
    'surveys/gabor-granger.csv',
    'id,10,20,30\nr1,yes,yes,no\nr2,yes,no,no\nr3,yes,yes,yes\nr4,no,no,no\n',
  );
  await copy.write('surveys/psm.csv', 'respondent,colour\n1,blue\n');
  await copy.write('leads/march.csv', 'lead_id,channel\nL1,referral\n');
  await copy.write('leads/notes.txt', 'not a leads file\n');
  project = await openProject({ dir: copy.dir, inMemory: true });
  app = await createApp(await project.customerBase(), { jobWaitMs: 0 });
});

afterAll(async () => {
  project?.close();
  await copy?.remove();
});

const json = async <T>(response: Response) => (await response.json()) as T;

describe('GET /api/price-research', () => {
  it('analyses the Gabor-Granger survey (revenue peaks at $20: 2 of 4 buy) and says what is wrong with the PSM file', async () => {
    const response = await requestUntilDone(app, '/api/price-research');
    expect(response.status).toBe(200);
    const research = await json<PriceResearchResponse>(response);
    expect(research.bootstrap).toEqual({ resamples: 1000, seed: 42 });
    const gg = research.gabor_granger;
    expect(gg.status).toBe('done');
    if (gg.status !== 'done') return;
    expect(gg.result.demand.map((d) => [d.price, d.demand, d.revenue])).toEqual([
      [10, 0.75, 7.5],
      [20, 0.5, 10],
      [30, 0.25, 7.5],
    ]);
    expect(gg.result.revenue_price).toBe(20);
    expect(gg.svg).toMatch(/^<svg/);
    expect(research.psm).toMatchObject({ file: 'surveys/psm.csv', status: 'invalid' });
    if (research.psm.status === 'invalid')
      expect(research.psm.message).toContain('no column too_cheap');
  });

  it('looks again for a survey that was missing or malformed: a fixed file is read on the next visit', async () => {
    await copy.write(
      'surveys/psm.csv',
      `too_cheap,cheap,expensive,too_expensive\n${Array.from({ length: 20 }, (_, i) => `${10 + i},${20 + i},${30 + i},${40 + i}`).join('\n')}\n`,
    );
    const research = await json<PriceResearchResponse>(
      await requestUntilDone(app, '/api/price-research'),
    );
    expect(research.psm.status).toBe('done');
    if (research.psm.status === 'done') expect(research.psm.result.respondents).toBe(20);
  });
});

describe('the leads of GET/POST /api/prospects', () => {
  it('lists data files of data/ and leads/ that the model does not import', async () => {
    const response = await app.request('/api/prospects/files');
    expect(await json<LeadsFilesResponse>(response)).toEqual({
      files: ['leads/march.csv'],
      folders: ['data', 'leads'],
      max_upload_bytes: 2 * 1024 * 1024,
    });
  });

  it('refuses any other path, before any work', async () => {
    for (const file of ['data/customers.csv', '../tiny/tierwise.yaml', 'leads/notes.txt']) {
      const response = await app.request(`/api/prospects?${new URLSearchParams({ file })}`);
      expect(response.status).toBe(400);
      expect((await json<ApiError>(response)).error.code).toBe('usage');
    }
  });

  it('scores a listed file in a job, and says the model needs a prospects: key', async () => {
    const response = await requestUntilDone(app, '/api/prospects?file=leads%2Fmarch.csv');
    expect(response.status).toBe(422);
    const body = await json<ApiError>(response);
    expect(body.error.code).toBe('model_invalid');
    expect(body.error.message).toContain('the model has no prospects: key');
  });

  it('takes an upload only as JSON, from its own origin, under the size limit, named .csv or .tsv', async () => {
    const post = (body: string, headers: Record<string, string>) =>
      app.request('/api/prospects', { method: 'POST', body, headers });
    const upload = JSON.stringify({ name: 'leads.csv', csv: 'lead_id\nL1\n' });
    expect((await post(upload, { 'content-type': 'text/plain' })).status).toBe(415);
    expect(
      (
        await post(upload, {
          'content-type': 'application/json',
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(403);
    const big = JSON.stringify({ name: 'leads.csv', csv: 'x'.repeat(2 * 1024 * 1024 + 70 * 1024) });
    const tooBig = await post(big, { 'content-type': 'application/json' });
    expect(tooBig.status).toBe(413);
    expect((await json<ApiError>(tooBig)).error.code).toBe('body_too_large');
    const named = await requestUntilDone(app, '/api/prospects', {
      method: 'POST',
      body: JSON.stringify({ name: '../../etc/leads.csv', csv: 'lead_id\nL1\n' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(named.status).toBe(400);
    expect((await json<ApiError>(named)).error.message).toContain('cannot score an upload named');
  });
});

/**
 * The HTML report of the tiny project (margins worked out in test/margin/margin.test.ts: total
 * 2535.1, B the one loss-maker at −569.5, whale peak 3104.6 = 122.5% after 4 of 5 customers).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initProject } from '../../src/init-project.js';
import { openProject, type Project } from '../../src/project.js';
import { html } from '../../src/report/html.js';
import { renderReport } from '../../src/report/render-report.js';
import { notComputed, type ReportSection } from '../../src/report/report-section.js';
import { TierwiseError } from '../../src/errors.js';
import { REPORT_SECTIONS } from '../../src/report/sections/index.js';
import { FIXTURES, tempProject } from '../helpers/temp-project.js';

let tiny: Project;
let report: Awaited<ReturnType<typeof renderReport>>;
beforeAll(async () => {
  tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
  report = await renderReport(await tiny.customerBase(), {
    generatedAt: new Date('2026-01-02T03:04:00Z'),
  });
});
afterAll(() => tiny.close());

/** The text of the element carrying `data-figure="name"`, tags stripped. */
function figure(document: string, name: string): string {
  const found = document.match(
    new RegExp(`data-figure="${name}"><span class="value">([^<]*)</span>`),
  );
  return found?.[1] ?? '';
}

describe('the HTML report', () => {
  it('has every section the tiny project supports, in order', () => {
    expect(report.sections.map((s) => s.id)).toEqual([
      'headline',
      'whale',
      'matrix',
      'distribution',
      'segments',
      'trends',
      'movements',
      'loss-makers',
      'costs',
      'assumptions',
    ]);
    const positions = report.sections.map((s) => report.html.indexOf(`<section id="${s.id}">`));
    expect(positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
  });

  it('says why each section it cannot compute is missing, in its place', () => {
    expect(report.notComputed.map((s) => s.id)).toEqual(['tiers', 'price-menu', 'lifetime']);
    // No tiers: key, no menu.yaml: the note names the key to add.
    expect(report.html).toContain(
      '<section id="tiers" class="not-computed"><h2>Service tiers</h2><p class="note" data-note="not-computed">Service tiers: not computed — the model has no `tiers:` key;',
    );
    expect(report.html).toContain(
      'Price menu: not computed — the project has neither a `menu.yaml` beside its model nor a `tiers:` key to price',
    );
    // Five customers, no churn dates: BG/NBD on their purchases cannot be identified.
    expect(report.html).toMatch(
      /<section id="lifetime" class="not-computed"><h2>Lifetime margin<\/h2><p class="note" data-note="not-computed">Lifetime margin: not computed — the data cannot support a lifetime model: [^<]+<\/p><\/section>/,
    );
    // The table of contents marks them too, in the order of the document.
    expect(report.html).toContain('<li><a href="#tiers">Service tiers</a> (not computed)</li>');
    const order = ['loss-makers', 'costs', 'tiers', 'price-menu', 'lifetime', 'assumptions'].map(
      (id) => report.html.indexOf(`<section id="${id}"`),
    );
    expect(order.every((p, i) => p > 0 && (i === 0 || p > order[i - 1]!))).toBe(true);
  });

  it('states the headline: total margin, share unprofitable and the whale-curve peak', () => {
    expect(figure(report.html, 'total-margin')).toBe('$2,535.10');
    expect(figure(report.html, 'unprofitable-share')).toBe('20.0%');
    expect(figure(report.html, 'whale-peak')).toBe('122.5%');
  });

  it('lists the loss-maker with the costs that sink it', () => {
    // B: acquisition 390 = sales call 90 + ads 600 ÷ 2 = 300; serve: installation 90 min × $2 = 180.
    const row = report.html.slice(
      report.html.indexOf('data-customer="B"'),
      report.html.indexOf('</tr>', report.html.indexOf('data-customer="B"')),
    );
    expect(row).toContain('-$569.50');
    expect(row).toContain('ads spend in 2025-02: $600.00 ÷ 2 customers acquired: -$300.00');
    expect(row).toContain('1 installation event (servers = 1) × 90 min × $2.00/min: -$180.00');
    // $300 of its $569.50 loss is its share of ads spend: more than half, an allocation artefact.
    expect(row).toContain('allocation artefact</span>');
    expect(report.html).toContain('One of them is marked <em>allocation artefact</em>');
  });

  it('is one self-contained file: inline SVG charts, inline styles, nothing fetched', () => {
    const { html: document } = report;
    expect(document.match(/<svg /g)?.length).toBe(5); // whale, matrix, distribution, segments (size), trend
    expect(document).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    // Every src/href is an anchor inside the document; no url() in the styles.
    const references = [...document.matchAll(/\s(?:src|href|xlink:href)\s*=\s*"([^"]*)"/gi)].map(
      (m) => m[1]!,
    );
    expect(references.length).toBeGreaterThan(0);
    expect(references.filter((r) => !r.startsWith('#'))).toEqual([]);
    expect(document).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(document).not.toMatch(/@import/);
  });

  it('has print styles: a page per section, charts never split', () => {
    expect(report.html).toContain('@media print');
    expect(report.html).toMatch(/section \{ break-before: page;/);
    expect(report.html).toMatch(/figure\.chart, table\.numbers tr \{ break-inside: avoid; \}/);
  });

  it('notes a section the project does not have instead of leaving it out', async () => {
    const project = await tempProject();
    try {
      await project.write(
        'tierwise.yaml',
        (await project.read('tierwise.yaml')).replace(/matrix:\n {2}volume: transactions\n/, ''),
      );
      const opened = await openProject({ dir: project.dir, inMemory: true });
      try {
        const without = await renderReport(await opened.customerBase());
        expect(without.sections.map((s) => s.id)).toEqual([
          'headline',
          'whale',
          'distribution',
          'segments',
          'trends',
          'movements',
          'loss-makers',
          'costs',
          'assumptions',
        ]);
        expect(without.notComputed.map((s) => s.id)).toEqual([
          'matrix',
          'tiers',
          'price-menu',
          'lifetime',
        ]);
        expect(without.html).toContain(
          'Profitability matrix: not computed — the model has no `matrix:` key; add `matrix: { volume: transactions }`',
        );
      } finally {
        opened.close();
      }
    } finally {
      await project.remove();
    }
  });

  it('shows the headline, costs and assumptions for a project with no customers yet, and notes the rest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-empty-report-'));
    try {
      await initProject(dir);
      const opened = await openProject({ dir, inMemory: true });
      try {
        const empty = await renderReport(await opened.customerBase());
        expect(empty.sections.map((s) => s.id)).toEqual(['headline', 'costs', 'assumptions']);
        expect(figure(empty.html, 'total-margin')).toBe('$0.00');
        // Every other section says why it is not there.
        expect(empty.notComputed.map((s) => s.id)).toEqual([
          'whale',
          'matrix',
          'distribution',
          'segments',
          'trends',
          'movements',
          'loss-makers',
          'tiers',
          'price-menu',
          'lifetime',
        ]);
        expect(empty.html).toContain(
          'Whale curve: not computed — no customer has revenue, activity or cost dated in the period',
        );
      } finally {
        opened.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes a new section as one module, and notes one the project cannot have', async () => {
    const tiers: ReportSection = {
      id: 'tiers',
      title: 'Service tiers',
      render: async ({ money }) => html`<p>tiered margin ${money(1234.5)}</p>`,
    };
    const absent: ReportSection = {
      id: 'lifetime',
      title: 'Lifetime margin',
      render: async () => notComputed('no churn dates'),
    };
    const failing: ReportSection = {
      id: 'menu',
      title: 'Price menu',
      render: async () => {
        throw new TierwiseError({
          code: 'model_invalid',
          message: 'menu.yaml: versions is empty',
          hint: 'list at least one version',
        });
      },
    };
    const extended = await renderReport(await tiny.customerBase(), {
      sections: [REPORT_SECTIONS[0]!, tiers, absent, failing],
    });
    expect(extended.sections.map((s) => s.id)).toEqual(['headline', 'tiers']);
    expect(extended.notComputed).toEqual([
      { id: 'lifetime', title: 'Lifetime margin', reason: 'no churn dates' },
      {
        id: 'menu',
        title: 'Price menu',
        reason: 'menu.yaml: versions is empty — list at least one version',
      },
    ]);
    expect(extended.html).toContain(
      '<p class="note" data-note="not-computed">Lifetime margin: not computed — no churn dates</p>',
    );
    // A bug is not a note: it fails the report.
    const broken: ReportSection = {
      id: 'broken',
      title: 'Broken',
      render: async () => {
        throw new TypeError('a bug');
      },
    };
    await expect(renderReport(await tiny.customerBase(), { sections: [broken] })).rejects.toThrow(
      'a bug',
    );
    expect(extended.html).toContain(
      '<section id="tiers"><h2>Service tiers</h2><p>tiered margin $1,234.50</p></section>',
    );
  });
});

describe('user strings in the report', () => {
  it('escapes a malicious customer id wherever it appears', async () => {
    const project = await tempProject();
    const evil = '<img src=x onerror=alert(1)>';
    try {
      // The customer pays $10 and takes a 600-minute sales call ($1,200): the worst loss-maker.
      await project.append('data/customers.csv', `${evil},2025-02-10,referral,basic,1`);
      await project.append('data/transactions.csv', `${evil},2025-03-01,10.00`);
      await project.append('data/activities.csv', `${evil},2025-02-01,sales_call,600,,`);
      const opened = await openProject({ dir: project.dir, inMemory: true });
      try {
        const { html: document } = await renderReport(await opened.customerBase());
        expect(document).toContain('&lt;img src=x onerror=alert(1)&gt;');
        expect(document).not.toContain(evil);
        expect(document).not.toMatch(/<img/i);
        expect(document).toContain('data-customer="&lt;img src=x onerror=alert(1)&gt;"');
      } finally {
        opened.close();
      }
    } finally {
      await project.remove();
    }
  });

  it('escapes the segment rules it quotes from the model', () => {
    expect(report.html).toContain('<td class="text">storage_gb_month &lt; 100</td>');
    expect(report.html).toContain('<td class="text">storage_gb_month &gt;= 1000</td>');
    expect(report.html).not.toContain('storage_gb_month < 100');
  });

  it('escapes the five HTML metacharacters in text and attributes', () => {
    const value = `"'<&>`;
    expect(html`<td title="${value}">${value}</td>`.text).toBe(
      '<td title="&quot;&#39;&lt;&amp;&gt;">&quot;&#39;&lt;&amp;&gt;</td>',
    );
  });
});

/** Scenario files: laid over the model's tiers: key by key; their mistakes located in the scenario file. */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { parseModel } from '../../src/model/load-model.js';
import type { Model } from '../../src/model/model-types.js';
import { applyScenarioOverlay, loadScenarioOverlay } from '../../src/tiers/scenario-overlay.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
let model: Model;
beforeAll(async () => {
  p = await tempProject('tiers-tiny');
  model = parseModel(await readFile(p.file('tierwise.yaml'), 'utf8'), p.file('tierwise.yaml'));
});
afterAll(async () => p.remove());

describe('scenario overlays', () => {
  it('changes only the keys it names', async () => {
    await p.write(
      'pricier.yaml',
      'tiers:\n  plans:\n    premium: { monthly_fee: 150 }\n  capacity: { engineer: 4 }\n',
    );
    const overlay = await loadScenarioOverlay(p.file('pricier.yaml'));
    expect(overlay.name).toBe('pricier');
    const catalog = await applyScenarioOverlay(model, overlay);
    const premium = catalog.tiers.find((t) => t.name === 'premium')!;
    expect(premium.monthlyFee).toBe(150);
    expect(premium.usagePrices).toEqual({ storage_gb_month: 0.5 }); // kept from the model
    expect(premium.services).toEqual(model.tiers!.tiers[1]!.services);
    expect(catalog.capacityHours).toEqual({ engineer: 4 });
    expect(catalog.serviceFees).toEqual(model.tiers!.serviceFees);
  });

  it('names a mistake with the scenario file, its line and a did-you-mean', async () => {
    await p.write(
      'typo.yaml',
      'name: typo\ntiers:\n  plans:\n    basic:\n      services:\n        tiket: { fee: 5 }\n',
    );
    const error = await applyScenarioOverlay(
      model,
      await loadScenarioOverlay(p.file('typo.yaml')),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TierwiseError);
    const [problem] = (error as TierwiseError).problems;
    expect(problem!.message).toBe('tier basic: unknown activity "tiket"');
    expect(problem!.hint).toBe('did you mean "ticket"?');
    expect(problem!.location).toMatchObject({
      file: 'typo.yaml',
      line: 6,
      key: 'tiers.plans.basic.services.tiket',
    });
  });

  it('points at the character of an eligibility rule the scenario wrote', async () => {
    await p.write(
      'eligible.yaml',
      'tiers:\n  plans:\n    premium:\n      eligible: "storage_gb_month >= "\n',
    );
    const error = await applyScenarioOverlay(
      model,
      await loadScenarioOverlay(p.file('eligible.yaml')),
    ).catch((e: unknown) => e);
    const [problem] = (error as TierwiseError).problems;
    expect(problem!.location).toMatchObject({
      file: 'eligible.yaml',
      line: 4,
      key: 'tiers.plans.premium.eligible',
    });
    expect(problem!.location!.column).toBeGreaterThan(16);
  });

  it('reads nothing but the scenario file: the model file may be gone', async () => {
    await p.write('cheaper.yaml', 'tiers:\n  plans: { basic: { monthly_fee: 8 } }\n');
    const overlay = await loadScenarioOverlay(p.file('cheaper.yaml'));
    const copy = parseModel(
      await readFile(p.file('tierwise.yaml'), 'utf8'),
      p.file('gone/tierwise.yaml'),
    );
    expect(
      (await applyScenarioOverlay(copy, overlay)).tiers.find((t) => t.name === 'basic')!.monthlyFee,
    ).toBe(8);
  });
});

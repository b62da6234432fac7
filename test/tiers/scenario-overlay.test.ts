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
    await p.write('pricier.yaml', 'tiers:\n  plans:\n    premium: { monthly_fee: 150 }\n  capacity: { engineer: 4 }\n');
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
    await p.write('typo.yaml', 'name: typo\ntiers:\n  plans:\n    basic:\n      services:\n        tiket: { fee: 5 }\n');
    const error = await applyScenarioOverlay(model, await loadScenarioOverlay(p.file('typo.yaml'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TierwiseError);
    const [problem] = (error as TierwiseError).problems;
    expect(problem!.message).toBe('tier basic: unknown activity "tiket"');
    expect(problem!.hint).toBe('did you mean "ticket"?');
    expect(problem!.location).toMatchObject({ file: 'typo.yaml', line: 6, key: 'tiers.plans.basic.services.tiket' });
  });
});

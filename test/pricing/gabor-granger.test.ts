/**
 * The textbook case: 1000 respondents whose willingness to pay is spread evenly over [0, 100]
 * (respondent i at (i + ½)/10), asked at 10, 20, …, 90; each says yes when the price is at or
 * below what they would pay. Demand is then exactly 1 − p/100, revenue p(1 − p/100) peaks at 50
 * and profit with unit cost 20, (p − 20)(1 − p/100), at (100 + 20)/2 = 60.
 */
import { describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import {
  analyzeGaborGranger,
  gaborGrangerAnswersFromSurvey,
  priceOfHeader,
} from '../../src/pricing/gabor-granger.js';
import { parseSurvey } from '../../src/pricing/survey-csv.js';

const PRICES = [10, 20, 30, 40, 50, 60, 70, 80, 90];
const evenRespondents = Array.from(
  { length: 1000 },
  (_, i) => new Map(PRICES.map((p) => [p, (i + 0.5) / 10 >= p])),
);

describe('Gabor-Granger', () => {
  it('measures demand 1 − p/100 and finds the revenue price 50 and the profit price 60 at unit cost 20', () => {
    const result = analyzeGaborGranger(evenRespondents, { unitCost: 20, resamples: 0 });
    for (const point of result.demand) {
      expect(point.asked).toBe(1000);
      expect(point.demand, `at ${point.price}`).toBeCloseTo(1 - point.price / 100, 12);
    }
    expect(result.demand[4]).toMatchObject({ price: 50, revenue: 25, profit: 15 });
    expect(result.revenue_price).toBe(50);
    expect(result.profit_price).toBe(60);
    expect(result.non_monotone).toBe(false);
    expect(result.warnings).toEqual([]);
  });

  it('puts bootstrap intervals around each demand, the same for the same seed', () => {
    const a = analyzeGaborGranger(evenRespondents, { unitCost: 20, resamples: 200, seed: 3 });
    const b = analyzeGaborGranger(evenRespondents, { unitCost: 20, resamples: 200, seed: 3 });
    expect(a).toEqual(b);
    const at50 = a.demand[4]!.demand_interval!;
    // Binomial standard error at ½ with n = 1000 is 0.0158: a 95% interval of about ±0.031.
    expect(at50.low).toBeGreaterThan(0.44);
    expect(at50.high).toBeLessThan(0.56);
    expect(at50.high - at50.low).toBeGreaterThan(0.04);
    expect(a.intervals.profit_price!.low).toBeLessThanOrEqual(60);
    expect(a.intervals.profit_price!.high).toBeGreaterThanOrEqual(60);
  });

  it('counts only respondents asked at a price, warns on a small sample and on demand that rises', () => {
    const answers = [
      new Map([
        [10, false],
        [20, true],
      ]),
      new Map([[10, true]]),
      new Map([[20, false]]),
    ];
    const result = analyzeGaborGranger(answers, { resamples: 0 });
    expect(result.demand.map((d) => [d.price, d.asked, d.demand])).toEqual([
      [10, 2, 0.5],
      [20, 2, 0.5],
    ]);
    expect(result.warnings.join('\n')).toMatch(/only 3 respondents/);
    const rising = analyzeGaborGranger(
      [
        new Map([
          [10, false],
          [20, true],
        ]),
      ],
      { resamples: 0 },
    );
    expect(rising.non_monotone).toBe(true);
  });

  it('reads price columns from their headers and yes/no answers, blank = not asked', () => {
    expect([
      priceOfHeader('49'),
      priceOfHeader('$49'),
      priceOfHeader('price_49.90'),
      priceOfHeader('At 29'),
      priceOfHeader('respondent'),
    ]).toEqual([49, 49, 49.9, 29, null]);
    const table = parseSurvey('id,price_29,price_39\na,yes,no\nb,1,\nc,Y,TRUE\n', 'gg.csv');
    expect(gaborGrangerAnswersFromSurvey(table).map((m) => Object.fromEntries(m))).toEqual([
      { 29: true, 39: false },
      { 29: true },
      { 29: true, 39: true },
    ]);
  });

  it('names the line and column of an answer that is not a yes or a no', () => {
    const table = parseSurvey('id,price_29\na,yes\nb,maybe\n', 'gg.csv');
    let error: unknown;
    try {
      gaborGrangerAnswersFromSurvey(table);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TierwiseError);
    expect((error as TierwiseError).problems[0]!.location).toEqual({
      file: 'gg.csv',
      line: 3,
      column: 'price_29',
    });
  });
});

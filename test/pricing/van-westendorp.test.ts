/**
 * The textbook case: answers spread evenly (respondent i of n at u = (i + ½)/n) over
 *   too cheap U[0, 40], cheap U[10, 50], expensive U[20, 60], too expensive U[30, 90],
 * so the curves are straight lines and the crossings are solved by hand:
 *   PMC: too cheap 1 − p/40 = not cheap (p − 10)/40             → p = 25
 *   OPP: too cheap 1 − p/40 = too expensive (p − 30)/60           → p = 36
 *   IPP: cheap 1 − (p − 10)/40 = expensive (p − 20)/40             → p = 35
 *   PME: too expensive (p − 30)/60 = not expensive 1 − (p − 20)/40 → p = 48
 * With n = 1000 the empirical curves are within 1/n of the lines: tolerance 0.1.
 */
import { describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { parseSurvey } from '../../src/pricing/survey-csv.js';
import { NMS_CALIBRATION, purchaseProbability } from '../../src/pricing/newton-miller-smith.js';
import { analyzePsmSurvey } from '../../src/pricing/psm-survey.js';
import { analyzePsm, type PsmAnswer } from '../../src/pricing/van-westendorp.js';

function evenAnswers(n: number, likelihood?: { cheap: number; expensive: number }): PsmAnswer[] {
  return Array.from({ length: n }, (_, i) => {
    const u = (i + 0.5) / n;
    return {
      tooCheap: 40 * u,
      cheap: 10 + 40 * u,
      expensive: 20 + 40 * u,
      tooExpensive: 30 + 60 * u,
      buyAtCheap: likelihood?.cheap,
      buyAtExpensive: likelihood?.expensive,
    };
  });
}

describe('Van Westendorp price sensitivity meter', () => {
  it('finds the four price points of evenly spread answers where the lines cross by hand', () => {
    const result = analyzePsm(evenAnswers(1000), { resamples: 0 });
    expect(result.points.marginal_cheapness).toBeCloseTo(25, 1);
    expect(result.points.optimal_price).toBeCloseTo(36, 1);
    expect(result.points.indifference_price).toBeCloseTo(35, 1);
    expect(result.points.marginal_expensiveness).toBeCloseTo(48, 1);
    expect(result.acceptable_range).toEqual({
      low: result.points.marginal_cheapness,
      high: result.points.marginal_expensiveness,
    });
    expect(result.nms).toBeNull();
    expect(result.warnings).toEqual([]);
    expect(result.intervals.optimal_price).toBeNull();
  });

  it('draws the four cumulative curves as shares of respondents', () => {
    // Two respondents: (10, 20, 30, 40) and (20, 30, 40, 50). At 20: too cheap = share above 20 = 0;
    // cheap = share above 20 = ½; expensive = share at or below 20 = 0; too expensive = 0.
    const result = analyzePsm(
      [
        { tooCheap: 10, cheap: 20, expensive: 30, tooExpensive: 40 },
        { tooCheap: 20, cheap: 30, expensive: 40, tooExpensive: 50 },
      ],
      { resamples: 0 },
    );
    expect(result.curves.map((c) => c.price)).toEqual([10, 20, 30, 40, 50]);
    expect(result.curves[1]).toEqual({
      price: 20,
      too_cheap: 0,
      cheap: 0.5,
      expensive: 0,
      too_expensive: 0,
      not_cheap: 0.5,
      not_expensive: 1,
    });
    expect(result.curves[3]).toMatchObject({ price: 40, expensive: 1, too_expensive: 0.5 });
    expect(result.warnings[0]).toMatch(/only 2 usable respondents/);
  });

  it('leaves out respondents whose prices are out of order and says how many', () => {
    const answers = [
      ...evenAnswers(200),
      { tooCheap: 50, cheap: 20, expensive: 30, tooExpensive: 40 },
    ];
    const result = analyzePsm(answers, { resamples: 0 });
    expect(result.respondents).toBe(200);
    expect(result.excluded.inconsistent).toBe(1);
  });

  it('gives the same bootstrap intervals for the same seed, around the estimate', () => {
    const answers = evenAnswers(300);
    const a = analyzePsm(answers, { resamples: 300, seed: 7 });
    const b = analyzePsm(answers, { resamples: 300, seed: 7 });
    const c = analyzePsm(answers, { resamples: 300, seed: 8 });
    expect(a.intervals).toEqual(b.intervals);
    expect(a.intervals).not.toEqual(c.intervals);
    for (const [name, interval] of Object.entries(a.intervals)) {
      const point = a.points[name as keyof typeof a.points]!;
      expect(interval!.low, name).toBeLessThanOrEqual(point);
      expect(interval!.high, name).toBeGreaterThanOrEqual(point);
      // ± a few dollars on a 300-respondent survey, not zero and not the whole range.
      expect(interval!.high - interval!.low, name).toBeGreaterThan(0.2);
      expect(interval!.high - interval!.low, name).toBeLessThan(10);
    }
  });

  it('warns when the sample is too small to trust', () => {
    expect(analyzePsm(evenAnswers(40), { resamples: 0 }).warnings.join('\n')).toMatch(
      /only 40 usable respondents \(fewer than 100\)/,
    );
  });
});

describe('Newton-Miller-Smith extension', () => {
  it('calibrates likelihoods 5…1 to 0.7, 0.5, 0.3, 0.1, 0 and joins them with straight lines', () => {
    const a: PsmAnswer = {
      tooCheap: 10,
      cheap: 20,
      expensive: 40,
      tooExpensive: 50,
      buyAtCheap: 5,
      buyAtExpensive: 2,
    };
    expect(NMS_CALIBRATION).toEqual([0.7, 0.5, 0.3, 0.1, 0]);
    expect(purchaseProbability(a, 5, NMS_CALIBRATION)).toBe(0);
    expect(purchaseProbability(a, 15, NMS_CALIBRATION)).toBeCloseTo(0.35, 12);
    expect(purchaseProbability(a, 20, NMS_CALIBRATION)).toBe(0.7);
    expect(purchaseProbability(a, 30, NMS_CALIBRATION)).toBeCloseTo(0.4, 12);
    expect(purchaseProbability(a, 40, NMS_CALIBRATION)).toBe(0.1);
    expect(purchaseProbability(a, 45, NMS_CALIBRATION)).toBeCloseTo(0.05, 12);
    expect(purchaseProbability(a, 60, NMS_CALIBRATION)).toBe(0);
  });

  it('finds a revenue peak between named prices exactly', () => {
    // One respondent: 0.7 at 10 falling to 0 at 100 → trial(p) = 0.7·(100 − p)/90 on [10, 100];
    // revenue p·trial peaks at p = 50 with 0.7·50·50/90 = 19.444…; trial peaks at 10 (0.7).
    const result = analyzePsm(
      [
        {
          tooCheap: 0,
          cheap: 10,
          expensive: 100,
          tooExpensive: 110,
          buyAtCheap: 5,
          buyAtExpensive: 1,
        },
      ],
      { resamples: 0 },
    );
    expect(result.nms!.trial_price).toBe(10);
    expect(result.nms!.trial).toBeCloseTo(0.7, 12);
    expect(result.nms!.revenue_price).toBeCloseTo(50, 9);
    expect(result.nms!.revenue_per_respondent).toBeCloseTo((0.7 * 50 * 50) / 90, 9);
  });

  it('averages respondents: its trial curve is the mean purchase probability, and no price earns more revenue', () => {
    const answers = evenAnswers(400, { cheap: 5, expensive: 3 });
    const nms = analyzePsm(answers, { resamples: 0 }).nms!;
    const mean = (p: number) =>
      answers.reduce((s, a) => s + purchaseProbability(a, p, NMS_CALIBRATION), 0) / answers.length;
    for (const point of nms.curve.filter((_, i) => i % 97 === 0))
      expect(point.trial, `at ${point.price}`).toBeCloseTo(mean(point.price), 12);
    let bestDense = 0;
    for (let p = 0; p <= 90; p += 0.01) bestDense = Math.max(bestDense, p * mean(p));
    expect(nms.revenue_per_respondent).toBeGreaterThanOrEqual(bestDense - 1e-9);
    expect(nms.revenue_per_respondent - bestDense).toBeLessThan(1e-3);
    expect(nms.revenue_price * mean(nms.revenue_price)).toBeCloseTo(nms.revenue_per_respondent, 9);
  });
});

describe('PSM survey files', () => {
  it('reads headers loosely and the likelihood columns, counting blank rows as incomplete', () => {
    const table = parseSurvey(
      'Respondent,Too Cheap,Bargain,Expensive,Too Expensive,Buy at cheap,Buy at expensive\nr1,10,20,30,40,5,3\nr2,$12,22,,42,4,2\nr3,"1,000",2000,3000,4000,5,1\n',
      'psm.csv',
    );
    const result = analyzePsmSurvey(table, { resamples: 0 });
    expect(result.respondents).toBe(2);
    expect(result.excluded).toEqual({ incomplete: 1, inconsistent: 0 });
    expect(result.nms?.respondents).toBe(2);
  });

  it('names the file, line and column of an answer that is not a price', () => {
    const table = parseSurvey(
      'too_cheap,cheap,expensive,too_expensive\n10,20,30,40\n10,twenty,30,40\n',
      'survey.csv',
    );
    const error = (() => {
      try {
        analyzePsmSurvey(table);
      } catch (e) {
        return e;
      }
    })() as TierwiseError;
    expect(error).toBeInstanceOf(TierwiseError);
    expect(error.message).toBe(
      'survey.csv:3 (column cheap): cheap "twenty" is not a number — write a price such as 49 or 49.90',
    );
  });

  it('refuses a survey with no usable answers', () => {
    expect(() =>
      analyzePsmSurvey(parseSurvey('too_cheap,cheap,expensive,too_expensive\n5,4,3,2\n', 'x.csv')),
    ).toThrow('x.csv: no usable answers (0 incomplete, 1 out of order)');
  });

  it('names a missing question column', () => {
    expect(() =>
      analyzePsmSurvey(parseSurvey('too_cheap,cheap,expensive\n1,2,3\n', 's.csv')),
    ).toThrow(/no column too_expensive/);
  });

  it('keeps the lines of rows after a quoted field that spans lines', () => {
    const table = parseSurvey('note,too_cheap\n"two\nlines",5\nx,6\n', 'q.csv');
    expect(table.rows.map((r) => r.line)).toEqual([2, 4]);
  });
});

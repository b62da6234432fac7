/** Van Westendorp survey files: the columns, loosely named, and the PSM of a file's answers. */
import { TierwiseError, type Problem } from '../errors.js';
import { findColumn, numberCell, throwSurveyProblems, type SurveyTable } from './survey-csv.js';
import { analyzePsm, type PsmAnswer, type PsmOptions, type PsmResult } from './van-westendorp.js';

const COLUMN_NAMES = {
  tooCheap: ['too_cheap', 'toocheap'],
  cheap: ['cheap', 'bargain', 'good_value'],
  expensive: ['expensive', 'getting_expensive'],
  tooExpensive: ['too_expensive', 'tooexpensive'],
  buyAtCheap: ['buy_at_cheap', 'pi_cheap', 'likelihood_cheap', 'purchase_cheap'],
  buyAtExpensive: [
    'buy_at_expensive',
    'pi_expensive',
    'likelihood_expensive',
    'purchase_expensive',
  ],
} as const;

/** The PSM of a survey file's answers (rows with a blank price are counted and left out). */
export function analyzePsmSurvey(table: SurveyTable, options: PsmOptions = {}): PsmResult {
  const { answers, incomplete } = psmAnswersFromSurvey(table);
  const result = analyzePsm(answers, options);
  if (result.respondents === 0) {
    throw new TierwiseError({
      code: 'data_invalid',
      message: `no usable answers (${incomplete} incomplete, ${result.excluded.inconsistent} out of order)`,
      location: { file: table.file },
      hint: 'each row needs four prices with too_cheap ≤ cheap ≤ expensive ≤ too_expensive',
    });
  }
  return { ...result, excluded: { ...result.excluded, incomplete } };
}

/** Reads PSM answers from a survey table: too_cheap, cheap (or bargain), expensive, too_expensive [, buy_at_cheap, buy_at_expensive]. */
export function psmAnswersFromSurvey(table: SurveyTable): {
  answers: PsmAnswer[];
  incomplete: number;
} {
  const problems: Problem[] = [];
  const columns = Object.fromEntries(
    Object.entries(COLUMN_NAMES).map(([key, names]) => [key, findColumn(table, names)]),
  ) as Record<keyof typeof COLUMN_NAMES, number>;
  for (const key of ['tooCheap', 'cheap', 'expensive', 'tooExpensive'] as const) {
    if (columns[key] < 0) {
      problems.push({
        code: 'source_format',
        message: `no column ${COLUMN_NAMES[key][0]}`,
        location: { file: table.file, line: 1 },
        hint: `a PSM survey has columns too_cheap, cheap, expensive, too_expensive (found: ${table.header.join(', ')})`,
      });
    }
  }
  throwSurveyProblems(problems);
  const nms = columns.buyAtCheap >= 0 && columns.buyAtExpensive >= 0;
  const answers: PsmAnswer[] = [];
  let incomplete = 0;
  for (const row of table.rows) {
    const [tooCheap, cheap, expensive, tooExpensive] = (
      ['tooCheap', 'cheap', 'expensive', 'tooExpensive'] as const
    ).map((k) => numberCell(table, row, columns[k], problems)) as [
      number | null,
      number | null,
      number | null,
      number | null,
    ];
    const likelihood = (k: 'buyAtCheap' | 'buyAtExpensive') => {
      if (!nms) return null;
      const v = numberCell(table, row, columns[k], problems);
      if (v !== null && !(Number.isInteger(v) && v >= 1 && v <= 5)) {
        problems.push({
          code: 'data_invalid',
          message: `${table.header[columns[k]]} ${v} is not a likelihood from 1 to 5`,
          location: { file: table.file, line: row.line, column: table.header[columns[k]] },
          hint: '5 = definitely would buy … 1 = definitely would not',
        });
        return null;
      }
      return v;
    };
    const buyAtCheap = likelihood('buyAtCheap');
    const buyAtExpensive = likelihood('buyAtExpensive');
    if (tooCheap === null || cheap === null || expensive === null || tooExpensive === null) {
      incomplete++;
      continue;
    }
    answers.push({ tooCheap, cheap, expensive, tooExpensive, buyAtCheap, buyAtExpensive });
  }
  throwSurveyProblems(problems);
  return { answers, incomplete };
}

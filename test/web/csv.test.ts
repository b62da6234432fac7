/** The dashboard's CSV text (web/src/csv-text.ts): RFC 4180 quoting and the formula-injection guard. */
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../web/src/csv-text.js';

describe('the dashboard’s CSV downloads', () => {
  it('quotes fields with a comma, a quote or a line break, doubling quotes, and ends records with CRLF', () => {
    expect(
      toCsv([
        ['customer', 'note'],
        ['A', 'says "hi", then\nleaves'],
      ]),
    ).toBe('customer,note\r\nA,"says ""hi"", then\nleaves"\r\n');
  });

  it('prefixes text that a spreadsheet would run as a formula with a quote', () => {
    for (const cell of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tTAB', '\rCR'])
      expect(csvField(cell).replace(/^"|"$/g, '')).toBe(`'${cell}`);
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it('leaves plain numbers, negative ones included, as they are (full precision)', () => {
    for (const n of [-569.5, 0.1 + 0.2, -1e-7, 2535.1, 1e21])
      expect(csvField(String(n))).toBe(String(n));
    expect(csvField('-$569.50')).toBe("'-$569.50");
  });
});

/** The report's one stylesheet, inlined: readable on screen, one section per page when printed. */
export const REPORT_CSS = `
:root { --text: #1f2933; --muted: #5f6b7a; --rule: #dde2ea; --profit: #1b7f5b; --loss: #c0392b; --accent: #3b6ea8; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--text); margin: 0; line-height: 1.45; background: #fff; }
header, main, footer { max-width: 960px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 32px; border-bottom: 1px solid var(--rule); }
header h1 { margin: 0 0 4px; font-size: 28px; }
header p { margin: 0 0 16px; color: var(--muted); }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 0 0 16px; list-style: none; }
nav a { color: var(--accent); text-decoration: none; }
section { padding: 24px 0; border-bottom: 1px solid var(--rule); }
h2 { font-size: 22px; margin: 0 0 12px; }
h3 { font-size: 17px; margin: 20px 0 8px; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; margin-bottom: 16px; }
.figure { border: 1px solid var(--rule); border-radius: 6px; padding: 14px; }
.figure .value { display: block; font-size: 26px; font-weight: bold; }
.figure .label { color: var(--muted); font-size: 14px; }
figure.chart { margin: 12px 0; }
figure.chart svg { width: 100%; height: auto; }
table.numbers { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0; }
table.numbers th, table.numbers td { padding: 5px 8px; border-bottom: 1px solid var(--rule); text-align: right; vertical-align: top; }
table.numbers th:first-child { text-align: left; }
table.numbers thead th { color: var(--muted); font-weight: normal; }
table.numbers td.text { text-align: left; }
table.numbers tr.total th, table.numbers tr.total td { font-weight: bold; }
table.numbers ul { margin: 0; padding-left: 18px; }
table.numbers.compact { font-size: 11px; }
table.numbers.compact th, table.numbers.compact td { padding: 3px 4px; }
.loss { color: var(--loss); }
.note { color: var(--muted); font-size: 14px; }
section.not-computed h2 { color: var(--muted); }
.tag { display: inline-block; margin-left: 6px; padding: 0 6px; border: 1px solid var(--muted); border-radius: 8px; color: var(--muted); font-size: 12px; font-weight: normal; }
footer { color: var(--muted); font-size: 13px; padding: 16px 24px 32px; }
@media print {
  @page { size: A4; margin: 14mm; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-before: page; border: none; }
  section:first-of-type { break-before: auto; }
  section.not-computed { break-before: auto; }
  figure.chart, table.numbers tr { break-inside: avoid; }
  a { color: inherit; }
}
`;

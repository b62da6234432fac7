/**
 * HTML built by a tagged template that escapes every interpolated value unless it is already
 * `SafeHtml`. Customer ids, segment names and attribute values come from users' files, so
 * escaping is the default and trusting is the exception (`trustedHtml`, for our own SVG charts).
 *
 * ```ts
 * html`<td>${customerId}</td>`            // "<script>" → "&lt;script&gt;"
 * html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`
 * ```
 */

export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue =
  SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new SafeHtml(out);
}

/** Marks markup tierwise generated itself (an ECharts SVG) as safe to insert as is. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

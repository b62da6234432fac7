/**
 * A tiny element builder. Text always goes in through `textContent`, never as markup, so a
 * customer id like `<img onerror=…>` shows as text. The only markup inserted is the server's own
 * SVG charts (`svgFigure`).
 */
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Replaces the page's content. */
export function show(root: HTMLElement, ...children: (Node | null)[]): void {
  root.replaceChildren(...children.filter((c): c is Node => c !== null));
}

/** A figure holding an SVG chart rendered by the tierwise server. */
export function svgFigure(svg: string, label: string): HTMLElement {
  const figure = h('figure', { class: 'chart', 'aria-label': label });
  // The SVG comes from our own API (ECharts' renderer, which escapes its text), not from user input.
  figure.innerHTML = svg;
  return figure;
}

/**
 * Tiers what-if: a placeholder until service tiers land (issue 4). The page will call the tiers
 * API with a changed price, policy or capacity and show total margin move; the route and the
 * navigation entry are here so that is one module to fill in.
 */
import { h, show } from '../dom.js';

export function renderTiers(root: HTMLElement): void {
  show(
    root,
    h('h1', {}, 'Tiers'),
    h('p', {}, 'Service tiers and their what-if controls (change a price, a policy or a capacity and see the margin move) arrive with `tierwise tiers`.'),
  );
}

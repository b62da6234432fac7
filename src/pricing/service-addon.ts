/**
 * Pricing service as an add-on for the lower tiers ("unbundle the service from the product — make
 * it available at a price to lower tiers"): the price p that maximises the expected profit per
 * customer, (p − c) · P(WTP ≥ p), where c is what one unit of the service costs (an event, or a
 * month of it) and WTP the customers' willingness to pay for it.
 *
 * Closed forms it reproduces: WTP uniform on [0, b] → p* = (b + c)/2; exponential with mean m →
 * p* = c + m. Other distributions are searched: a fine grid over [c, a price almost nobody pays],
 * then golden-section refinement around the best grid point; survey answers are searched exactly
 * (the best price is one of the answers).
 */
import { buyingShare, upperPrice, type WtpDistribution } from './wtp-distribution.js';

export type AddonBasis = 'event' | 'month';

export interface AddonPrice {
  /** Price per event or per month. */
  price: number;
  /** Share of customers who buy at that price. */
  take_up: number;
  /** Expected profit per customer offered the add-on: (price − cost) × take_up. */
  profit_per_customer: number;
  /** Expected revenue per customer offered it. */
  revenue_per_customer: number;
}

export interface AddonResult extends AddonPrice {
  per: AddonBasis;
  unit_cost: number;
  /** Worth offering: some price earns more than it costs. */
  profitable: boolean;
  /** Profit per customer at a range of prices around the best, for a table or chart. */
  curve: AddonPrice[];
}

/** The profit-maximising add-on price for willingness to pay `wtp` and unit cost `unitCost`. */
export function optimizeAddonPrice(
  wtp: WtpDistribution,
  unitCost: number,
  per: AddonBasis = 'event',
): AddonResult {
  const at = (price: number): AddonPrice => {
    const takeUp = buyingShare(wtp, price);
    return {
      price,
      take_up: takeUp,
      profit_per_customer: (price - unitCost) * takeUp,
      revenue_per_customer: price * takeUp,
    };
  };
  const top = Math.max(unitCost, upperPrice(wtp));
  let best: AddonPrice;
  if (wtp.kind === 'empirical') {
    best = [...new Set(wtp.values)]
      .filter((v) => v >= unitCost)
      .map(at)
      .reduce((a, b) => (b.profit_per_customer > a.profit_per_customer ? b : a), at(top));
  } else {
    const steps = 4000;
    let bestIndex = 0;
    let bestProfit = -Infinity;
    for (let i = 0; i <= steps; i++) {
      const profit = at(unitCost + ((top - unitCost) * i) / steps).profit_per_customer;
      if (profit > bestProfit) {
        bestProfit = profit;
        bestIndex = i;
      }
    }
    const step = (top - unitCost) / steps;
    const lo = unitCost + Math.max(0, bestIndex - 1) * step;
    const hi = unitCost + Math.min(steps, bestIndex + 1) * step;
    best = at(goldenSectionMax((p) => at(p).profit_per_customer, lo, hi));
  }
  const curve = [0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5].map((f) => at(best.price * f));
  return { ...best, per, unit_cost: unitCost, profitable: best.profit_per_customer > 0, curve };
}

/** Maximum of a unimodal function on [lo, hi] to about 1e-10 of the interval. */
function goldenSectionMax(f: (x: number) => number, lo: number, hi: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 200 && b - a > 1e-10 * Math.max(1, Math.abs(b)); i++) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

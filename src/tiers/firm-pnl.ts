/**
 * A scenario as the firm sees it: revenue − direct cost − the cost of the resources it actually
 * carries − channel spend. A committed resource (salaried, contracted) costs its units whether
 * their hours are used or not, so hours a plan frees are idle capacity, not a saving, until units
 * are released; a flexible resource costs the hours used at its rate. Channel spend is the whole
 * period's, allocated or not.
 *
 * It reconciles with the margin engine: for the status quo (everyone on today's service and
 * price, today's units), firm margin = Σ customer margin − unused capacity − unallocated channel
 * spend.
 */
import type { CostResource } from '../margin/cost-model.js';
import type { CustomerBase } from '../margin/customer-base.js';

export interface FirmPnl {
  revenue: number;
  direct_cost: number;
  /** What the resources carried cost: committed ones by the unit, flexible ones by the hour used. */
  resource_cost: number;
  /** All channel spend of the period (allocated to customers or not). */
  channel_spend: number;
  margin: number;
}

export interface FirmResource {
  resource: string;
  behaviour: 'committed' | 'flexible';
  /** Units carried (committed; may be fractional today, e.g. 8.4 engineers); for a flexible resource, its capacity ÷ unit hours. */
  units: number;
  capacity_hours: number;
  /** Hours used: projected serve hours of the scenario plus the hours of activities the tiers leave as they are (acquisition). */
  used_hours: number;
  /** capacity − used: paid for and unused when committed; negative when the plan needs more than there is. */
  idle_hours: number;
  cost: number;
}

/** What the firm P&L needs besides a scenario's figures: every resource, hours outside the tiers, channel spend. */
export interface FirmContext {
  readonly resources: readonly CostResource[];
  /** Hours per resource of activities the tier projection does not cover (acquisition), as today. */
  readonly otherHours: ReadonlyMap<string, number>;
  readonly channelSpend: number;
}

/** The firm context of a customer base: its resources, today's acquisition hours and the period's channel spend. */
export function firmContext(base: CustomerBase): FirmContext {
  const otherHours = new Map<string, number>();
  for (const a of base.summary.activities) {
    if (a.purpose === 'serve') continue;
    otherHours.set(a.resource, (otherHours.get(a.resource) ?? 0) + a.minutes / 60);
  }
  const { totals, unallocated_acquisition_spend: unallocated } = base.summary;
  return {
    resources: base.costModel.resources,
    otherHours,
    channelSpend: totals.channel_cost + unallocated.total,
  };
}

/**
 * The firm P&L of a scenario: its expected revenue and direct cost, and per resource the serve
 * hours it uses (`served`, by resource name) and the units it keeps (`units`, where they differ
 * from today's).
 */
export function firmPnl(
  context: FirmContext,
  scenario: { readonly revenue: number; readonly direct_cost: number },
  served: ReadonlyMap<string, number>,
  units: ReadonlyMap<string, number> = new Map(),
): { firm_pnl: FirmPnl; resources: FirmResource[] } {
  const resources = context.resources.map((r): FirmResource => {
    const used = (served.get(r.name) ?? 0) + (context.otherHours.get(r.name) ?? 0);
    const kept = units.get(r.name) ?? r.units;
    const capacity = kept * r.unitHours;
    const cost = r.behaviour === 'committed' ? kept * r.unitCost : used * 60 * r.ratePerMinute;
    return {
      resource: r.name,
      behaviour: r.behaviour,
      units: kept,
      capacity_hours: capacity,
      used_hours: used,
      idle_hours: capacity - used,
      cost,
    };
  });
  const resourceCost = resources.reduce((sum, r) => sum + r.cost, 0);
  const margin = scenario.revenue - scenario.direct_cost - resourceCost - context.channelSpend;
  return {
    firm_pnl: {
      revenue: scenario.revenue,
      direct_cost: scenario.direct_cost,
      resource_cost: resourceCost,
      channel_spend: context.channelSpend,
      margin,
    },
    resources,
  };
}

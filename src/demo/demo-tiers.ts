/**
 * Acme Backup's tier catalog for the demo's tierwise.yaml: four tiers from Self-serve to
 * White-glove, the low-touch activities that stand in for high-touch ones in the lower tiers, and
 * the willingness-to-pay assumptions — the seed's "match service to margin" ready to run with
 * `tierwise tiers`.
 */

/** Low-touch substitutes, written under `activities:` (no events of their own until a tier uses them). */
export function substituteActivityLines(): string[] {
  return [
    '  # Low-touch substitutes the lower tiers use instead (no events today: tiers re-price needs with them).',
    '  remote_install:       { resource: support_agent,   minutes: "30 + 5 * servers" }   # guided remote setup',
    '  automated_monitoring: { resource: support_agent,   minutes: "0.05 * days" }        # alerts only, checked when they fire',
    '  remote_dr_review:     { resource: senior_engineer, minutes: 45 }                   # a video call instead of a visit',
    '  help_article:         { resource: support_agent,   minutes: 5 }                    # a help-centre answer instead of a ticket',
  ];
}

/** The `tiers:` block. */
export function tierLines(): string[] {
  return [
    '# Service tiers (`tierwise tiers`): a price schedule plus a service policy per activity. Policies:',
    '# included (the default), not_offered, { fee: 25 } billed per event, { substitute: help_article }',
    '# met by a low-touch activity, { included_per_month: 2, fee: 25 } included up to N a month. A',
    "# customer's willingness to pay for a tier = what it pays today × the tier's value_share (× its",
    "# segment's uplift), value shares relative to the tier it is on today (current:); above that, the",
    '# chance it stays falls along a logistic curve (half leave',
    '# about midpoint × 100% above). The optimizer picks the tier per customer that maximises expected',
    '# margin within the capacity of each resource, and prices an hour of each (the shadow price). A',
    '# customer no option keeps with a chance of exit_below (5%) or more is an exit, listed apart.',
    'tiers:',
    '  plans:',
    '    self_serve:',
    '      label: Self-serve',
    '      monthly_fee: 29',
    '      usage_prices: { storage_gb_month: 1.00 }',
    '      value_share: 0.6',
    '      services:',
    '        installation:   { substitute: remote_install }',
    '        monitoring:     { substitute: automated_monitoring }',
    '        dr_meeting:     not_offered',
    '        support_ticket: { included_per_month: 0.5, substitute: help_article }',
    '    standard:',
    '      label: Standard',
    '      monthly_fee: 99',
    '      usage_prices: { storage_gb_month: 0.80 }',
    '      value_share: 0.8',
    '      services:',
    '        installation:   { substitute: remote_install }',
    '        monitoring:     { substitute: automated_monitoring }',
    '        dr_meeting:     { substitute: remote_dr_review }',
    '        support_ticket: { included_per_month: 2, fee: 25 }',
    '    premium:',
    '      label: Premium',
    '      monthly_fee: 399',
    '      usage_prices: { storage_gb_month: 0.50 }',
    '      value_share: 0.95',
    '      services:',
    '        dr_meeting:     { substitute: remote_dr_review }',
    '    white_glove:',
    '      label: White-glove',
    '      monthly_fee: 2500',
    '      usage_prices: { storage_gb_month: 0.30 }',
    '      eligible: "storage_gb_month / period_months >= 100"   # a dedicated engineer only for 100 GB and up',
    '  willingness_to_pay:',
    '    midpoint: 0.5     # about half leave at a price 50% above what they would pay',
    '    steepness: 6',
    '    segmentation: size',
    '    segments: { over_1tb: { uplift: 1.2 } }   # large clients value high-touch service more',
    '  # The tier each client is on today: the one whose price schedule its plan charges (enterprise',
    "  # = White-glove's; starter ≈ Self-serve's; business sits between Standard's and Premium's).",
    '  current: { column: plan, map: { starter: self_serve, business: standard, enterprise: white_glove } }',
    '  # Service unbundled: each client keeps its price schedule and pays these fees per event.',
    '  service_fees: { installation: 400, dr_meeting: 250, support_ticket: 30, monitoring: 20 }',
    '',
  ];
}

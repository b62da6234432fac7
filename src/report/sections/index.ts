/**
 * The report's sections, in the order they appear. A new part of the report is one module in this
 * folder exporting a `ReportSection` and one line here; a section a project cannot have (no tiers
 * yet, no price menu, no lifetime model) returns `notComputed(reason)` and shows a note instead.
 */
import type { ReportSection } from '../report-section.js';
import { assumptionsSection } from './assumptions-section.js';
import { costsSection } from './costs-section.js';
import { distributionSection } from './distribution-section.js';
import { headlineSection } from './headline-section.js';
import { lifetimeSection } from './lifetime-section.js';
import { lossMakersSection } from './loss-makers-section.js';
import { matrixSection } from './matrix-section.js';
import { priceMenuSection } from './price-menu-section.js';
import { segmentsSection } from './segments-section.js';
import { tiersSection } from './tiers-section.js';
import { movementsSection, trendsSection } from './trends-section.js';
import { whaleSection } from './whale-section.js';

export const REPORT_SECTIONS: readonly ReportSection[] = [
  headlineSection,
  whaleSection,
  matrixSection,
  distributionSection,
  segmentsSection,
  trendsSection,
  movementsSection,
  lossMakersSection,
  costsSection,
  tiersSection,
  priceMenuSection,
  lifetimeSection,
  assumptionsSection,
];

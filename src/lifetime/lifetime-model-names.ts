/** The lifetime models by name, apart from their fitting code so that the CLI can list them cheaply. */
export type LifetimeModelName = 'sbg' | 'bgnbd' | 'pnbd' | 'gamma-gamma';
export const LIFETIME_MODELS: readonly LifetimeModelName[] = [
  'sbg',
  'bgnbd',
  'pnbd',
  'gamma-gamma',
];

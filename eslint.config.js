// ESLint 9 flat config: recommended JS + TypeScript rules, a few safety rules, and the layer rules
// of STYLE.md ("One way through the code"): model → expr / margin → store → cli, server, web.
// Formatting is Prettier's job (.prettierrc.json); eslint-config-prettier turns off the rules that
// would fight it. Not type-aware on purpose: the whole tree lints in seconds and `tsc` already
// checks types (`npm run typecheck`).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The analyses: typed inputs in, typed results out; they never print or serve. */
const ANALYSES = ['analysis', 'tiers', 'pricing', 'lifetime', 'prospects'];

/**
 * One `no-restricted-imports` group per forbidden folder, so each message names the layer, what it
 * may not import and why. `group` holds gitignore-style patterns matched against the import
 * specifier as written (relative paths included).
 */
function forbid(layer, folders, why) {
  return folders.map((folder) => ({
    group: [`**/${folder}/**`],
    message: `${layer} may not import ${folder}/: ${why}`,
  }));
}

const SHELLS = 'cli/ and server/ (thin shells)';
const shellRules = [
  {
    group: ['**/sql/**'],
    message: `${SHELLS} may not import sql/: SQL is built by the library below them; call a library function.`,
  },
  {
    group: ['**/store/**'],
    message: `${SHELLS} may not import store/: only the store talks to DuckDB; call a library function that takes the project.`,
  },
  {
    group: ['**/model/load-model*'],
    message: `${SHELLS} may not import model/load-model: open the project through the library (project.ts), which loads the model.`,
  },
  {
    group: ['@duckdb/*'],
    message: `${SHELLS} may not import @duckdb/*: only store/ talks to DuckDB.`,
  },
];

const analysisRules = forbid(
  'Analyses and margin/',
  ['charts', 'report', 'cli', 'server'],
  'analyses return typed results and never render, print or serve; the edges call them.',
);

const bottomRules = forbid(
  'model/, expr/ and sql/ (the bottom layers)',
  [...ANALYSES, 'margin', 'store', 'cli', 'server', 'report', 'charts'],
  'everything else builds on them, so they import nothing above them.',
);

const renderRules = forbid(
  'charts/ and report/',
  ['cli', 'server'],
  'renderers take analysis results as values; the shells call them, not the reverse.',
);

/**
 * The dashboard may reach outside web/ only for the server's response types, and only as
 * `import type` (the bundle must not pull library code). A specifier that climbs out of web/ is
 * `../../…` from web/src/*.ts and `../../../…` from web/src/pages/*.ts.
 */
function webRules(up) {
  const outside = `^${'\\.\\./'.repeat(up)}`;
  return [
    'error',
    {
      patterns: [
        {
          regex: `${outside}src/server/api-types(\\.js)?$`,
          allowTypeImports: true,
          message:
            "web/ may import src/server/api-types only with `import type`: the dashboard shares the server's response types, not its code.",
        },
        {
          // src/format is pure text formatting, shared so the dashboard prints money as the CLI does.
          regex: `${outside}(?!src/server/api-types(\\.js)?$|src/format(\\.js)?$)`,
          message:
            'web/ may not import from outside web/ except the types in src/server/api-types: it talks to the library only over the HTTP API.',
        },
        {
          group: ['@duckdb/*'],
          message:
            'web/ may not import @duckdb/*: the dashboard runs in the browser and talks to the HTTP API.',
        },
      ],
    },
  ];
}

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'tierwise-demo/**',
      'bench/out/**',
      'test/fixtures/**',
      'test-results/**',
      'scratch/**',
      '.tierwise/**',
      'coverage/**',
      '.engines/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
      eqeqeq: ['error', 'always'],
      // tsc already reports unused locals and parameters (noUnusedLocals/Parameters); this keeps
      // the same check for the .mjs scripts, with `_` marking a deliberately unused name.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    files: ['web/**/*.{ts,js}'],
    languageOptions: { globals: { ...globals.browser } },
    // `import { type X }` still loads the module under verbatimModuleSyntax; web/ must say
    // `import type { X }` so the bundle never pulls server code.
    rules: { '@typescript-eslint/no-import-type-side-effects': 'error' },
  },

  // Layer rules (STYLE.md, "Shape"). Each file falls in at most one block, because a later
  // block's no-restricted-imports options replace an earlier one's rather than adding to them.
  {
    files: ['src/cli/**/*.ts', 'src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: shellRules }] },
  },
  {
    files: [...ANALYSES, 'margin'].map((folder) => `src/${folder}/**/*.ts`),
    rules: { 'no-restricted-imports': ['error', { patterns: analysisRules }] },
  },
  {
    files: ['src/model/**/*.ts', 'src/expr/**/*.ts', 'src/sql/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: bottomRules }] },
  },
  {
    files: ['src/charts/**/*.ts', 'src/report/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: renderRules }] },
  },
  // web/ uses typescript-eslint's extension of the rule for `allowTypeImports`.
  {
    files: ['web/src/*.{ts,js}'],
    rules: { '@typescript-eslint/no-restricted-imports': webRules(2) },
  },
  {
    files: ['web/src/pages/**/*.{ts,js}'],
    rules: { '@typescript-eslint/no-restricted-imports': webRules(3) },
  },

  prettier,
);

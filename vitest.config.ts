import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    // Shared demo projects are built in hooks: on two loaded cores that can take minutes.
    hookTimeout: 240_000,
    // DuckDB and the CLI spawn are CPU-heavy; two workers match the 2-core machines we run on.
    maxWorkers: 2,
    env: { TZ: 'UTC' },
  },
});

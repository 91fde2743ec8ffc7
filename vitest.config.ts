import { defineConfig } from 'vitest/config';

// One runner for every unit and integration test. Server-backed suites start their own servers.
export default defineConfig({
  test: {
    include: [
      'main/**/*.test.ts',
      'shared/**/*.test.ts',
      'bench/**/*.test.ts',
      'renderer/**/*.test.tsx',
      'preload/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Tests that start servers or a terminal take seconds, not milliseconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only make the real-server tests fight each other.
    maxWorkers: 2,
  },
});

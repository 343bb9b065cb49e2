import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'addin/src/**/*.test.ts', 'tests/**/*.test.ts'],
    // LibreOffice and CLI tests start real processes; two cores run them side by side.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    restoreMocks: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default leaves one core idle (CPUs - 1): on a 2-core runner that is one file at a
    // time, while most end-to-end tests wait on git and the CLI. Two at once: 592 s -> 374 s.
    maxWorkers: 2,
  },
});

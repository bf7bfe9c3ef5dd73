import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Argon2 at 64 MiB and real CLI runs are CPU-heavy; two workers match the two cores.
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/services/**', 'node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: { name: 'services', include: ['test/services/**/*.test.ts'], testTimeout: 120_000 },
      },
    ],
  },
});

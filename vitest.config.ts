import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/services/**', 'test/clients/**', 'node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: { name: 'services', include: ['test/services/**/*.test.ts'], testTimeout: 120_000 },
      },
      {
        // Real client programs (psql, pgjdbc, psycopg2, psqlODBC) against `liveviewdb serve`; docs/clients.md.
        test: {
          name: 'clients',
          include: ['test/clients/**/*.test.ts'],
          globalSetup: ['test/clients/server.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});

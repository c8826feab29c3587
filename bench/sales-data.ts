/** The benchmark's seeded data lives in src/demo/ so `liveviewdb serve --demo` loads the same tables. */
export * from '../src/demo/sales-data.js';

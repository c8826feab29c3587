/** The benchmark's seeded data lives in src/demo/ so `liveviewdb serve --demo` loads the same tables. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { BASE_US, duckH, PRODUCTS, REGIONS } from '../src/demo/sales-data.js';

export * from '../src/demo/sales-data.js';

/** Creates the same `sales` (rows rows) and `products` tables in DuckDB, generated in SQL. */
export async function loadSalesDuckDB(duck: DuckDBConnection, rows: number): Promise<void> {
  await duck.run(`CREATE TABLE sales AS SELECT
      make_timestamp(${BASE_US}::BIGINT + i * 3000000) AS ts,
      ${JSON.stringify(REGIONS).replace(/"/g, "'")}[${duckH(0)} % 8 + 1] AS region,
      (${duckH(1)} % 1000000)::INTEGER AS customer_id,
      (${duckH(2)} % ${PRODUCTS})::INTEGER AS product_id,
      (${duckH(0)} % 100000) / 100.0::DOUBLE AS amount
    FROM range(${rows}) t(i)`);
  await duck.run(`CREATE TABLE products AS SELECT i::INTEGER AS product_id, 'cat' || lpad((i % 20)::VARCHAR, 2, '0') AS category,
      (i % 500) + 0.99::DOUBLE AS price FROM range(${PRODUCTS}) t(i)`);
}

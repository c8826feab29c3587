/**
 * Seeded sample data: the engine benchmark's tables and `liveviewdb serve --demo`'s. Row i of
 * `sales` is derived from integer hashes h_k(i) = (i * A_k + SEED_k) mod 2^31-1, which JavaScript and DuckDB both compute exactly, so both
 * engines hold identical rows without shipping them between the two.
 */
import type { Database } from '../index.js';

export const PRODUCTS = 10_000;
const M = 2_147_483_647;
export const BASE_US = Date.UTC(2025, 0, 1) * 1000;
export const REGIONS = ['north', 'south', 'east', 'west', 'central', 'online', 'export', 'partner'];
const H = [
  [48_271, 12_345],
  [69_621, 67_890],
  [40_692, 24_680],
];

function h(k: number, i: number): number {
  return (i * H[k]![0]! + H[k]![1]!) % M;
}

/** The same hash as DuckDB SQL over a column `i`. */
export const duckH = (k: number): string => `((i * ${H[k]![0]} + ${H[k]![1]}) % ${M})`;

/** Creates and fills `sales` (rows rows) and `products` in LiveViewDB through the columnar append API. */
export async function loadSales(db: Database, rows: number): Promise<void> {
  await db.exec(
    'CREATE TABLE sales (ts timestamp, region text, customer_id int, product_id int, amount double precision)',
  );
  await db.exec('CREATE TABLE products (product_id int, category text, price double precision)');
  const chunk = 1_000_000;
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    const ts = new Float64Array(n);
    const region: string[] = new Array(n);
    const customer = new Int32Array(n);
    const product = new Int32Array(n);
    const amount = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const h0 = h(0, i);
      ts[k] = BASE_US + i * 3_000_000;
      region[k] = REGIONS[h0 % 8]!;
      customer[k] = h(1, i) % 1_000_000;
      product[k] = h(2, i) % PRODUCTS;
      amount[k] = (h0 % 100_000) / 100;
    }
    await db.append('sales', { ts, region, customer_id: customer, product_id: product, amount });
  }
  const pid = Array.from({ length: PRODUCTS }, (_x, i) => i);
  await db.append('products', {
    product_id: pid,
    category: pid.map((i) => `cat${String(i % 20).padStart(2, '0')}`),
    price: pid.map((i) => (i % 500) + 0.99),
  });
}

/** Example queries over the demo tables, printed by `liveviewdb serve --demo`. */
export const DEMO_QUERIES = [
  'SELECT region, count(*) AS orders, round(sum(amount)) AS revenue FROM sales GROUP BY region ORDER BY revenue DESC;',
  'SELECT p.category, count(*) AS orders, round(sum(s.amount)) AS revenue FROM sales s JOIN products p ON p.product_id = s.product_id GROUP BY p.category ORDER BY revenue DESC LIMIT 5;',
];

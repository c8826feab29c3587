import type { Database } from '../../src/index.js';

/** A table with one column of each type the columnar and Arrow results map, with a NULL row. */
export async function createTypedTable(db: Database): Promise<void> {
  await db.exec(`CREATE TABLE typed (
    id int, s smallint, big bigint, f real, v double precision, bo bool, k text, vc varchar(8),
    n numeric(10,2), un numeric, d date, tm time, ts timestamp, tz timestamptz, i interval,
    b bytea, u uuid, j json, arr int[]
  )`);
  await db.exec(`INSERT INTO typed VALUES
    (1, 7, 9007199254740993, 1.5, 2.25, true, 'héllo', 'abc', 3.14, 1.23456, '2024-01-02',
     '12:34:56.5', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05+02', '1 mon 2 days 3.5 sec',
     '\\x0102ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{1,NULL,3}'),
    (2, -32768, -9223372036854775808, -0.5, -1e300, false, '', 'x', -12345678.99, -0.000001, '1970-01-01',
     '00:00', '1969-12-31 23:59:59', '1970-01-01 00:00:00+00', '-3 years -4 hours', '\\x', '00000000-0000-0000-0000-000000000000', '[]', '{}'),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
}

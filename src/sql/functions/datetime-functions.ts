/**
 * Date/time functions and operators: now() and friends, date_part/extract, date_trunc, make_*,
 * age, to_char/to_timestamp/to_date, date_bin, TimescaleDB's time_bucket, AT TIME ZONE, interval
 * arithmetic and generate_series. Semantics follow PostgreSQL 15 (see datetime.ts for the
 * calendar and zone rules).
 *
 * The implementation lives in datetime/, one module per function family; this module re-exports
 * the public names.
 */

export { MAKE_INTERVAL_ARG_NAMES } from './datetime/make.js';
export { intervalMul, intervalDiv } from './datetime/arith.js';
export { datetimeFunctions } from './datetime/catalog.js';
export { datetimeTableFunctions } from './datetime/series.js';

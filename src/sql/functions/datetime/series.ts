import type { DatabaseError } from '../../../errors.js';
import { timestampPlusInterval, timestamptzPlusInterval } from '../../../types/datetime.js';
import { Decimal } from '../../../types/decimal.js';
import { Interval } from '../../../types/interval.js';
import { T } from '../../../types/types.js';
import type { SqlType } from '../../../types/types.js';
import type { Value } from '../../../types/values.js';
import type { TableFunction } from '../registry.js';
import { IV, TS, TSTZ, invalidParameter, sessionZone } from './common.js';

/** generate_series over integers, bigints, numeric, timestamps and timestamptz. */

function zeroStep(): DatabaseError {
  return invalidParameter('step size cannot equal zero');
}

function* seriesInt(start: number, stop: number, step: number): Iterable<Value[]> {
  if (step === 0) throw zeroStep();
  for (let v = start; step > 0 ? v <= stop : v >= stop; v += step) yield [v];
}

function* seriesBig(start: bigint, stop: bigint, step: bigint): Iterable<Value[]> {
  if (step === 0n) throw zeroStep();
  for (let v = start; step > 0n ? v <= stop : v >= stop; v += step) yield [v];
}

function* seriesNumeric(start: Decimal, stop: Decimal, step: Decimal): Iterable<Value[]> {
  if (start.nan) throw invalidParameter('start value cannot be NaN');
  if (stop.nan) throw invalidParameter('stop value cannot be NaN');
  if (step.nan) throw invalidParameter('step size cannot be NaN');
  if (step.isZero()) throw zeroStep();
  const up = step.sign() > 0;
  for (let v = start; up ? v.cmp(stop) <= 0 : v.cmp(stop) >= 0; v = v.add(step)) yield [v];
}

function* seriesTimestamp(
  start: number,
  stop: number,
  step: Interval,
  add: (t: number) => number,
): Iterable<Value[]> {
  const dir = step.cmp(Interval.ZERO);
  if (dir === 0) throw zeroStep();
  for (let v = start; dir > 0 ? v <= stop : v >= stop; v = add(v)) yield [v];
}

const series = (args: readonly SqlType[], impl: TableFunction['impl']): TableFunction => ({
  name: 'generate_series',
  args,
  columns: (types) => [{ name: 'generate_series', type: types[0]! }],
  impl,
});

/** Set-returning date/time functions: generate_series over integers, numerics and timestamps. */
export const datetimeTableFunctions: TableFunction[] = [
  series([T.int4, T.int4], (a) => seriesInt(a[0] as number, a[1] as number, 1)),
  series([T.int4, T.int4, T.int4], (a) => seriesInt(a[0] as number, a[1] as number, a[2] as number)),
  series([T.int8, T.int8], (a) => seriesBig(a[0] as bigint, a[1] as bigint, 1n)),
  series([T.int8, T.int8, T.int8], (a) => seriesBig(a[0] as bigint, a[1] as bigint, a[2] as bigint)),
  series([T.numeric, T.numeric], (a) => seriesNumeric(a[0] as Decimal, a[1] as Decimal, Decimal.fromInt(1))),
  series([T.numeric, T.numeric, T.numeric], (a) =>
    seriesNumeric(a[0] as Decimal, a[1] as Decimal, a[2] as Decimal),
  ),
  series([TS, TS, IV], (a) => {
    const step = a[2] as Interval;
    return seriesTimestamp(a[0] as number, a[1] as number, step, (t) => timestampPlusInterval(t, step));
  }),
  series([TSTZ, TSTZ, IV], (a, ctx) => {
    const step = a[2] as Interval;
    const zone = sessionZone(ctx);
    return seriesTimestamp(a[0] as number, a[1] as number, step, (t) =>
      timestamptzPlusInterval(t, step, zone),
    );
  }),
];

import {
  USECS_PER_DAY,
  atTimeZone,
  checkTimestamp,
  justifyDays,
  justifyHours,
  justifyInterval,
  localToUtc,
  timestampDifference,
  timestampPlusInterval,
  timestamptzPlusInterval,
  utcToLocal,
} from '../../../types/datetime.js';
import { Interval } from '../../../types/interval.js';
import { T } from '../../../types/types.js';
import type { SqlType } from '../../../types/types.js';
import type { Value } from '../../../types/values.js';
import type { FunctionContext, ScalarFunction } from '../registry.js';
import { age } from './age.js';
import {
  INT32_MIN,
  dateMinusDate,
  datePlusDays,
  dateToTimestamp,
  intervalAdd,
  intervalDiv,
  intervalMul,
  intervalOutOfRange,
  intervalSub,
  intervalZone,
  timePlusInterval,
} from './arith.js';
import {
  bucketBigInt,
  bucketDate,
  bucketInZone,
  bucketInteger,
  bucketTimestamp,
  dateBin,
  timestampBucketer,
} from './bucket.js';
import { IV, TS, TSTZ, sessionZone } from './common.js';
import { dateExtract, intervalPart, timePart, timestampPart } from './extract.js';
import {
  MAKE_INTERVAL_ARG_NAMES,
  MAKE_TIMESTAMP_ARG_NAMES,
  makeDate,
  makeInterval,
  makeTimeMicros,
  makeTimestamp,
  saneTimeZone,
} from './make.js';
import { numberToChar } from './to-char-number.js';
import { intervalToChar, timestampToChar } from './to-char.js';
import { toDate, toTimestampEpoch, toTimestampText } from './to-timestamp.js';
import { timestampTruncator, truncInterval, truncTimestamp, truncTimestamptz } from './trunc.js';

/** The scalar date/time functions and operators, with their signatures. */

const f = (
  name: string,
  args: readonly SqlType[],
  ret: SqlType,
  impl: ScalarFunction['impl'],
  extra?: {
    volatile?: boolean;
    strict?: boolean;
    argNames?: readonly string[];
    argDefaults?: readonly Value[];
  },
): ScalarFunction => ({ name, args, ret, impl, ...extra });

const nowFn = (_a: Value[], ctx: FunctionContext): Value => ctx.transactionStart;
const localNow = (ctx: FunctionContext): number => utcToLocal(ctx.transactionStart, sessionZone(ctx));

const dateTruncTz = (a: Value[], ctx: FunctionContext): Value =>
  truncTimestamptz(
    a[0] as string,
    a[1] as number,
    a.length > 2 ? atTimeZone(a[2] as string) : sessionZone(ctx),
  );

/** date_part / extract on timestamptz: the fields are read in the session time zone. */
const timestamptzPart = (a: Value[], ctx: FunctionContext, asNumeric: boolean): Value =>
  timestampPart(
    a[0] as string,
    a[1] as number,
    TSTZ,
    Number.isFinite(a[1]) ? sessionZone(ctx).offsetAt(a[1] as number) : 0,
    asNumeric,
  );

const makeIntervalOverloads: ScalarFunction[] = [];
for (let n = 0; n <= 7; n++) {
  const args: SqlType[] = [];
  for (let i = 0; i < n; i++) args.push(i === 6 ? T.float8 : T.int4);
  // The full form carries PostgreSQL's parameter names and zero defaults, for named notation.
  const named = n === 7 ? { argNames: MAKE_INTERVAL_ARG_NAMES, argDefaults: [0, 0, 0, 0, 0, 0, 0] } : {};
  makeIntervalOverloads.push(f('make_interval', args, IV, (a) => makeInterval(a), named));
}

const toCharNumeric = (type: SqlType): ScalarFunction =>
  f('to_char', [type, T.text], T.text, (a) => numberToChar(a[0]!, type, a[1] as string));

/** Scalar date/time functions and operators (operators are registered under their symbol). */
export const datetimeFunctions: ScalarFunction[] = [
  f('now', [], TSTZ, nowFn),
  f('transaction_timestamp', [], TSTZ, nowFn),
  f('statement_timestamp', [], TSTZ, (_a, ctx) => ctx.statementStart ?? ctx.transactionStart),
  f('clock_timestamp', [], TSTZ, (_a, ctx) => ctx.clock(), { volatile: true }),
  f(
    'timeofday',
    [],
    T.text,
    (_a, ctx) => {
      const z = sessionZone(ctx);
      return timestampToChar(ctx.clock(), 'Dy Mon DD HH24:MI:SS.US YYYY TZ', z);
    },
    { volatile: true },
  ),
  f('current_timestamp', [], TSTZ, nowFn),
  f('current_date', [], T.date, (_a, ctx) => Math.floor(localNow(ctx) / USECS_PER_DAY)),
  f('localtimestamp', [], TS, (_a, ctx) => localNow(ctx)),
  f('localtime', [], T.time, (_a, ctx) => {
    const l = localNow(ctx);
    return l - Math.floor(l / USECS_PER_DAY) * USECS_PER_DAY;
  }),

  f('date_part', [T.text, TS], T.float8, (a) =>
    timestampPart(a[0] as string, a[1] as number, TS, undefined, false),
  ),
  f('date_part', [T.text, TSTZ], T.float8, (a, ctx) => timestamptzPart(a, ctx, false)),
  f('date_part', [T.text, T.date], T.float8, (a) =>
    timestampPart(a[0] as string, dateToTimestamp(a[1] as number), TS, undefined, false),
  ),
  f('date_part', [T.text, IV], T.float8, (a) => intervalPart(a[0] as string, a[1] as Interval, false)),
  f('date_part', [T.text, T.time], T.float8, (a) => timePart(a[0] as string, a[1] as number, false)),
  f('extract', [T.text, TS], T.numeric, (a) =>
    timestampPart(a[0] as string, a[1] as number, TS, undefined, true),
  ),
  f('extract', [T.text, TSTZ], T.numeric, (a, ctx) => timestamptzPart(a, ctx, true)),
  f('extract', [T.text, T.date], T.numeric, (a) => dateExtract(a[0] as string, a[1] as number)),
  f('extract', [T.text, IV], T.numeric, (a) => intervalPart(a[0] as string, a[1] as Interval, true)),
  f('extract', [T.text, T.time], T.numeric, (a) => timePart(a[0] as string, a[1] as number, true)),

  {
    ...f('date_trunc', [T.text, TS], TS, (a) => truncTimestamp(a[0] as string, a[1] as number)),
    specialize: (c) => {
      if (typeof c[0] !== 'string' || c[1] !== undefined) return null;
      const trunc = timestampTruncator(c[0]);
      return (x) => trunc(x as number);
    },
  },
  f('date_trunc', [T.text, TSTZ], TSTZ, dateTruncTz),
  f('date_trunc', [T.text, TSTZ, T.text], TSTZ, dateTruncTz),
  f('date_trunc', [T.text, IV], IV, (a) => truncInterval(a[0] as string, a[1] as Interval)),

  f(
    'make_date',
    [T.int4, T.int4, T.int4],
    T.date,
    (a) => makeDate(a[0] as number, a[1] as number, a[2] as number),
    { argNames: ['year', 'month', 'day'] },
  ),
  f(
    'make_time',
    [T.int4, T.int4, T.float8],
    T.time,
    (a) => makeTimeMicros(a[0] as number, a[1] as number, a[2] as number),
    { argNames: ['hour', 'min', 'sec'] },
  ),
  f('make_timestamp', [T.int4, T.int4, T.int4, T.int4, T.int4, T.float8], TS, (a) => makeTimestamp(a), {
    argNames: MAKE_TIMESTAMP_ARG_NAMES,
  }),
  f(
    'make_timestamptz',
    [T.int4, T.int4, T.int4, T.int4, T.int4, T.float8],
    TSTZ,
    (a, ctx) => checkTimestamp(localToUtc(makeTimestamp(a), sessionZone(ctx))),
    { argNames: MAKE_TIMESTAMP_ARG_NAMES },
  ),
  f(
    'make_timestamptz',
    [T.int4, T.int4, T.int4, T.int4, T.int4, T.float8, T.text],
    TSTZ,
    (a) => checkTimestamp(localToUtc(makeTimestamp(a), saneTimeZone(a[6] as string))),
    { argNames: [...MAKE_TIMESTAMP_ARG_NAMES, 'timezone'] },
  ),
  ...makeIntervalOverloads,

  f('age', [TS, TS], IV, (a) => age(a[0] as number, a[1] as number)),
  f('age', [TSTZ, TSTZ], IV, (a, ctx) => {
    const z = sessionZone(ctx);
    return age(utcToLocal(a[0] as number, z), utcToLocal(a[1] as number, z));
  }),
  f('age', [TS], IV, (a, ctx) =>
    age(Math.floor(localNow(ctx) / USECS_PER_DAY) * USECS_PER_DAY, a[0] as number),
  ),
  f('age', [TSTZ], IV, (a, ctx) => {
    const z = sessionZone(ctx);
    return age(Math.floor(localNow(ctx) / USECS_PER_DAY) * USECS_PER_DAY, utcToLocal(a[0] as number, z));
  }),

  f('to_char', [TS, T.text], T.text, (a) => timestampToChar(a[0] as number, a[1] as string, undefined)),
  f('to_char', [TSTZ, T.text], T.text, (a, ctx) =>
    timestampToChar(a[0] as number, a[1] as string, sessionZone(ctx)),
  ),
  f('to_char', [T.date, T.text], T.text, (a, ctx) => {
    const d = a[0] as number;
    const z = sessionZone(ctx);
    return timestampToChar(Number.isFinite(d) ? localToUtc(d * USECS_PER_DAY, z) : d, a[1] as string, z);
  }),
  f('to_char', [IV, T.text], T.text, (a) => intervalToChar(a[0] as Interval, a[1] as string)),
  toCharNumeric(T.numeric),
  toCharNumeric(T.int4),
  toCharNumeric(T.int8),
  toCharNumeric(T.float4),
  toCharNumeric(T.float8),
  f('to_timestamp', [T.float8], TSTZ, (a) => toTimestampEpoch(a[0] as number)),
  f('to_timestamp', [T.text, T.text], TSTZ, (a, ctx) => toTimestampText(a[0] as string, a[1] as string, ctx)),
  f('to_date', [T.text, T.text], T.date, (a) => toDate(a[0] as string, a[1] as string)),

  f('date_bin', [IV, TS, TS], TS, (a) => dateBin(a[0] as Interval, a[1] as number, a[2] as number)),
  f('date_bin', [IV, TSTZ, TSTZ], TSTZ, (a) => dateBin(a[0] as Interval, a[1] as number, a[2] as number)),

  f('timezone', [T.text, TS], TSTZ, (a) => {
    const ts = a[1] as number;
    return Number.isFinite(ts) ? checkTimestamp(localToUtc(ts, atTimeZone(a[0] as string))) : ts;
  }),
  f('timezone', [T.text, TSTZ], TS, (a) => {
    const ts = a[1] as number;
    return Number.isFinite(ts) ? checkTimestamp(utcToLocal(ts, atTimeZone(a[0] as string))) : ts;
  }),
  f('timezone', [IV, TS], TSTZ, (a) => {
    const ts = a[1] as number;
    return Number.isFinite(ts) ? checkTimestamp(localToUtc(ts, intervalZone(a[0] as Interval))) : ts;
  }),
  f('timezone', [IV, TSTZ], TS, (a) => {
    const ts = a[1] as number;
    return Number.isFinite(ts) ? checkTimestamp(utcToLocal(ts, intervalZone(a[0] as Interval))) : ts;
  }),

  f('isfinite', [T.date], T.bool, (a) => Number.isFinite(a[0])),
  f('isfinite', [TS], T.bool, (a) => Number.isFinite(a[0])),
  f('isfinite', [TSTZ], T.bool, (a) => Number.isFinite(a[0])),
  f('isfinite', [IV], T.bool, () => true),
  f('justify_days', [IV], IV, (a) => justifyDays(a[0] as Interval)),
  f('justify_hours', [IV], IV, (a) => justifyHours(a[0] as Interval)),
  f('justify_interval', [IV], IV, (a) => justifyInterval(a[0] as Interval)),

  // TimescaleDB's time_bucket.
  {
    ...f('time_bucket', [IV, TS], TS, (a) => bucketTimestamp(a[0] as Interval, a[1] as number, undefined)),
    specialize: (c) => {
      if (!(c[0] instanceof Interval) || c[1] !== undefined) return null;
      const bucket = timestampBucketer(c[0]);
      return bucket === null ? null : (x) => bucket(x as number);
    },
  },
  f('time_bucket', [IV, TS, TS], TS, (a) =>
    bucketTimestamp(a[0] as Interval, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [IV, TS, IV], TS, (a) => {
    if (!Number.isFinite(a[1])) return a[1]!;
    const off = a[2] as Interval;
    const r = bucketTimestamp(a[0] as Interval, timestampPlusInterval(a[1] as number, off.neg()), undefined);
    return timestampPlusInterval(r, off);
  }),
  f('time_bucket', [IV, TSTZ], TSTZ, (a) => bucketTimestamp(a[0] as Interval, a[1] as number, undefined)),
  f('time_bucket', [IV, TSTZ, TSTZ], TSTZ, (a) =>
    bucketTimestamp(a[0] as Interval, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [IV, TSTZ, IV], TSTZ, (a, ctx) => {
    const ts = a[1] as number;
    if (!Number.isFinite(ts)) return ts;
    const off = a[2] as Interval;
    const zone = sessionZone(ctx);
    const r = bucketTimestamp(a[0] as Interval, timestamptzPlusInterval(ts, off.neg(), zone), undefined);
    return timestamptzPlusInterval(r, off, zone);
  }),
  f('time_bucket', [IV, TSTZ, T.text], TSTZ, (a) =>
    bucketInZone(a[0] as Interval, a[1] as number, a[2] as string, null, null),
  ),
  f(
    'time_bucket',
    [IV, TSTZ, T.text, TSTZ],
    TSTZ,
    (a) => {
      if (a[0] === null || a[1] === null || a[2] === null) return null;
      return bucketInZone(a[0] as Interval, a[1] as number, a[2] as string, a[3] as number | null, null);
    },
    { strict: false },
  ),
  f(
    'time_bucket',
    [IV, TSTZ, T.text, TSTZ, IV],
    TSTZ,
    (a) => {
      if (a[0] === null || a[1] === null || a[2] === null) return null;
      return bucketInZone(
        a[0] as Interval,
        a[1] as number,
        a[2] as string,
        a[3] as number | null,
        a[4] as Interval | null,
      );
    },
    { strict: false },
  ),
  f('time_bucket', [IV, T.date], T.date, (a) => bucketDate(a[0] as Interval, a[1] as number, undefined)),
  f('time_bucket', [IV, T.date, T.date], T.date, (a) =>
    bucketDate(a[0] as Interval, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [IV, T.date, IV], T.date, (a) => {
    const d = a[1] as number;
    if (!Number.isFinite(d)) return d;
    const off = a[2] as Interval;
    const shifted = timestampPlusInterval(d * USECS_PER_DAY, off.neg());
    const r = timestampPlusInterval(bucketTimestamp(a[0] as Interval, shifted, undefined), off);
    return Math.floor(r / USECS_PER_DAY);
  }),
  f('time_bucket', [T.int2, T.int2], T.int2, (a) => bucketInteger(a[0] as number, a[1] as number, 0)),
  f('time_bucket', [T.int2, T.int2, T.int2], T.int2, (a) =>
    bucketInteger(a[0] as number, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [T.int4, T.int4], T.int4, (a) => bucketInteger(a[0] as number, a[1] as number, 0)),
  f('time_bucket', [T.int4, T.int4, T.int4], T.int4, (a) =>
    bucketInteger(a[0] as number, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [T.int8, T.int8], T.int8, (a) => bucketBigInt(a[0] as bigint, a[1] as bigint, 0n)),
  f('time_bucket', [T.int8, T.int8, T.int8], T.int8, (a) =>
    bucketBigInt(a[0] as bigint, a[1] as bigint, a[2] as bigint),
  ),

  // Operators.
  f('+', [T.date, T.int4], T.date, (a) => datePlusDays(a[0] as number, a[1] as number)),
  f('+', [T.int4, T.date], T.date, (a) => datePlusDays(a[1] as number, a[0] as number)),
  f('-', [T.date, T.int4], T.date, (a) => datePlusDays(a[0] as number, -(a[1] as number))),
  f('-', [T.date, T.date], T.int4, (a) => dateMinusDate(a[0] as number, a[1] as number)),
  f('+', [T.date, IV], TS, (a) => timestampPlusInterval(dateToTimestamp(a[0] as number), a[1] as Interval)),
  f('+', [IV, T.date], TS, (a) => timestampPlusInterval(dateToTimestamp(a[1] as number), a[0] as Interval)),
  f('-', [T.date, IV], TS, (a) =>
    timestampPlusInterval(dateToTimestamp(a[0] as number), (a[1] as Interval).neg()),
  ),
  f('+', [T.date, T.time], TS, (a) => {
    const d = a[0] as number;
    return Number.isFinite(d) ? checkTimestamp(d * USECS_PER_DAY + (a[1] as number)) : d;
  }),
  f('+', [T.time, T.date], TS, (a) => {
    const d = a[1] as number;
    return Number.isFinite(d) ? checkTimestamp(d * USECS_PER_DAY + (a[0] as number)) : d;
  }),
  f('+', [TS, IV], TS, (a) => timestampPlusInterval(a[0] as number, a[1] as Interval)),
  f('+', [IV, TS], TS, (a) => timestampPlusInterval(a[1] as number, a[0] as Interval)),
  f('-', [TS, IV], TS, (a) => timestampPlusInterval(a[0] as number, (a[1] as Interval).neg())),
  f('+', [TSTZ, IV], TSTZ, (a, ctx) =>
    timestamptzPlusInterval(a[0] as number, a[1] as Interval, sessionZone(ctx)),
  ),
  f('+', [IV, TSTZ], TSTZ, (a, ctx) =>
    timestamptzPlusInterval(a[1] as number, a[0] as Interval, sessionZone(ctx)),
  ),
  f('-', [TSTZ, IV], TSTZ, (a, ctx) =>
    timestamptzPlusInterval(a[0] as number, (a[1] as Interval).neg(), sessionZone(ctx)),
  ),
  f('-', [TS, TS], IV, (a) => timestampDifference(a[0] as number, a[1] as number)),
  f('-', [TSTZ, TSTZ], IV, (a) => timestampDifference(a[0] as number, a[1] as number)),
  f('+', [T.time, IV], T.time, (a) => timePlusInterval(a[0] as number, a[1] as Interval)),
  f('+', [IV, T.time], T.time, (a) => timePlusInterval(a[1] as number, a[0] as Interval)),
  f('-', [T.time, IV], T.time, (a) => timePlusInterval(a[0] as number, (a[1] as Interval).neg())),
  f('-', [T.time, T.time], IV, (a) => new Interval(0, 0, (a[0] as number) - (a[1] as number))),
  f('+', [IV, IV], IV, (a) => intervalAdd(a[0] as Interval, a[1] as Interval)),
  f('-', [IV, IV], IV, (a) => intervalSub(a[0] as Interval, a[1] as Interval)),
  f('-', [IV], IV, (a) => {
    const iv = a[0] as Interval;
    if (iv.months === INT32_MIN || iv.days === INT32_MIN) throw intervalOutOfRange();
    return iv.neg();
  }),
  f('*', [IV, T.float8], IV, (a) => intervalMul(a[0] as Interval, a[1] as number)),
  f('*', [T.float8, IV], IV, (a) => intervalMul(a[1] as Interval, a[0] as number)),
  f('/', [IV, T.float8], IV, (a) => intervalDiv(a[0] as Interval, a[1] as number)),
];

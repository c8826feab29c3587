import { DatabaseError, SqlState } from '../errors.js';
import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import { Decimal, Interval, compareValues } from '../types/values.js';

/**
 * Helpers that compiled expressions call. Kept as plain functions on one object so generated code
 * reaches them through a single parameter.
 */
const INT2_MIN = -32768;
const INT2_MAX = 32767;
const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

function i2(v: number): number {
  if (v < INT2_MIN || v > INT2_MAX)
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'smallint out of range');
  return v;
}
function i4(v: number): number {
  if (v < INT4_MIN || v > INT4_MAX)
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'integer out of range');
  return v;
}
function i8(v: bigint): bigint {
  if (v < INT8_MIN || v > INT8_MAX)
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'bigint out of range');
  return v;
}
function f8(v: number, a: number, b: number): number {
  if (!Number.isFinite(v) && Number.isFinite(a) && Number.isFinite(b) && !Number.isNaN(v)) {
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
  }
  return v;
}
function f4(v: number, a: number, b: number): number {
  const r = Math.fround(v);
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b) && !Number.isNaN(r)) {
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
  }
  return r;
}
function div0(): never {
  throw new DatabaseError(SqlState.divisionByZero, 'division by zero');
}

/** Arithmetic on a type whose values are objects (numeric, interval) or need checks. */
function arith(op: string, t: SqlType, a: Value, b: Value): Value {
  if (a instanceof Decimal && b instanceof Decimal) {
    switch (op) {
      case '+':
        return a.add(b);
      case '-':
        return a.sub(b);
      case '*':
        return a.mul(b);
      case '/':
        return a.div(b);
      case '%':
        return a.mod(b);
    }
  }
  if (a instanceof Interval && b instanceof Interval) {
    if (op === '+') return a.add(b);
    if (op === '-') return a.sub(b);
  }
  throw new DatabaseError(SqlState.undefinedFunction, `operator does not exist: ${t.id} ${op} ${t.id}`);
}

function neg(t: SqlType, a: Value): Value {
  if (a instanceof Decimal) return a.neg();
  if (a instanceof Interval) return a.neg();
  if (typeof a === 'bigint') return i8(-a);
  throw new DatabaseError(SqlState.undefinedFunction, `operator does not exist: - ${t.id}`);
}

function rtrim(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  return e === s.length ? s : s.slice(0, e);
}

export const runtime = {
  i2,
  i4,
  i8,
  f8,
  f4,
  div0,
  arith,
  neg,
  rtrim,
  cmp: compareValues,
  Decimal,
  /** Truncating integer division for number-represented integers, with the overflow check. */
  idiv(a: number, b: number, bits: 16 | 32): number {
    if (b === 0) div0();
    const q = Math.trunc(a / b);
    return bits === 16 ? i2(q) : i4(q);
  },
  ldiv(a: bigint, b: bigint): bigint {
    if (b === 0n) div0();
    return i8(a / b);
  },
  lmod(a: bigint, b: bigint): bigint {
    if (b === 0n) div0();
    return a % b;
  },
  imod(a: number, b: number): number {
    if (b === 0) div0();
    const r = a % b;
    return r === 0 ? 0 : r;
  },
  fdiv(a: number, b: number, float4: boolean): number {
    if (b === 0) div0();
    return float4 ? f4(a / b, a, b) : f8(a / b, a, b);
  },
  fmod(a: number, b: number): number {
    if (b === 0) div0();
    return a % b;
  },
  /** 3-valued equality of two arrays element by element (for IN lists of rows), NaN = NaN. */
  feq(a: number, b: number): boolean {
    return a === b || (a !== a && b !== b);
  },
  /** PostgreSQL float order: NaN sorts above everything. */
  fcmp(a: number, b: number): number {
    return compareValues(a, b);
  },
};

export type Runtime = typeof runtime;

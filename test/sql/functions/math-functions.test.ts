import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/errors.js';
import { mathFunctions } from '../../../src/sql/functions/math-functions.js';
import type { FunctionContext } from '../../../src/sql/functions/registry.js';
import { Decimal } from '../../../src/types/decimal.js';
import { T } from '../../../src/types/types.js';
import type { TypeId } from '../../../src/types/types.js';
import type { Value } from '../../../src/types/values.js';

// Expected values were taken from PostgreSQL 15.

const ctx: FunctionContext = {
  timezone: 'UTC',
  transactionStart: 0,
  clock: () => 0,
  setting: () => undefined,
};

function call(name: string, ids: TypeId[], ...args: Value[]): Value {
  const f = mathFunctions.find(
    (x) => x.name === name && x.args.length === ids.length && x.args.every((t, i) => t.id === ids[i]),
  );
  if (f === undefined) throw new Error(`no overload ${name}(${ids.join(', ')})`);
  return f.impl(
    args,
    ctx,
    ids.map((id) => T[id as keyof typeof T]),
  );
}

/** Calls a numeric overload with numeric text arguments and returns the result's text. */
function num(name: string, ...args: string[]): string {
  return String(
    call(
      name,
      args.map(() => 'numeric'),
      ...args.map((a) => Decimal.parse(a)),
    ),
  );
}

function error(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof DatabaseError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('abs and sign', () => {
  it('keeps the argument type', () => {
    expect(call('abs', ['int2'], -5)).toBe(5);
    expect(call('abs', ['int8'], -5n)).toBe(5n);
    expect(call('abs', ['float4'], -1.5)).toBe(1.5);
    expect(num('abs', '-1.50')).toBe('1.50');
  });

  it('raises out of range for the most negative integers', () => {
    expect(error(() => call('abs', ['int2'], -32768))).toEqual({
      code: '22003',
      message: 'smallint out of range',
    });
    expect(error(() => call('abs', ['int4'], -2147483648))).toEqual({
      code: '22003',
      message: 'integer out of range',
    });
    expect(error(() => call('abs', ['int8'], -(2n ** 63n)))).toEqual({
      code: '22003',
      message: 'bigint out of range',
    });
  });

  it('gives sign as -1, 0 or 1 with NaN mapping to 0 for floats and NaN for numeric', () => {
    expect(call('sign', ['float8'], -3)).toBe(-1);
    expect(call('sign', ['float8'], NaN)).toBe(0);
    expect(num('sign', '1.50')).toBe('1');
    expect(num('sign', 'NaN')).toBe('NaN');
  });
});

describe('rounding', () => {
  it('rounds float8 half to even and numeric half away from zero', () => {
    expect(call('round', ['float8'], 2.5)).toBe(2);
    expect(call('round', ['float8'], -2.5)).toBe(-2);
    expect(call('round', ['float8'], 1.5)).toBe(2);
    expect(num('round', '2.5')).toBe('3');
    expect(num('round', '-2.5')).toBe('-3');
  });

  it('keeps the sign of zero when a small negative float rounds to zero', () => {
    expect(Object.is(call('round', ['float8'], -0.4), -0)).toBe(true);
    expect(Object.is(call('ceil', ['float8'], -0.5), -0)).toBe(true);
  });

  it('rounds and truncates numerics to a scale, including negative scales', () => {
    const d = (s: string) => Decimal.parse(s);
    expect(String(call('round', ['numeric', 'int4'], d('1234.5'), -2))).toBe('1200');
    expect(String(call('round', ['numeric', 'int4'], d('1.5'), 3))).toBe('1.500');
    expect(String(call('trunc', ['numeric', 'int4'], d('-155.5'), -1))).toBe('-150');
    expect(String(call('trunc', ['numeric', 'int4'], d('1.99'), 1))).toBe('1.9');
  });

  it('takes ceil and floor of numerics to scale zero', () => {
    expect(num('ceil', '1.50')).toBe('2');
    expect(num('floor', '-1.5')).toBe('-2');
    expect(num('ceiling', 'NaN')).toBe('NaN');
  });
});

describe('numeric roots, logarithms and powers', () => {
  it('uses PostgreSQL result scales for sqrt, exp and ln', () => {
    expect(num('sqrt', '2')).toBe('1.414213562373095');
    expect(num('sqrt', '1e-20')).toBe('0.0000000001000000000000000');
    expect(num('sqrt', '123456789.123')).toBe('11111.11106609056');
    expect(num('exp', '1')).toBe('2.7182818284590452');
    expect(num('exp', '20.5')).toBe('799902177.47550541');
    expect(num('ln', '2')).toBe('0.6931471805599453');
    expect(num('ln', '0.9')).toBe('-0.10536051565782630');
    expect(num('ln', '22026.4657948')).toBe('9.9999999999996951');
  });

  it('computes every digit of large and tiny exponentials', () => {
    expect(num('exp', '100')).toBe('26881171418161354484126255515800135873611119');
    expect(num('exp', '-100')).toBe('0.00000000000000000000000000000000000000000003720075976020836');
  });

  it('computes logarithms to a base', () => {
    expect(num('log', '100')).toBe('2.0000000000000000');
    expect(num('log', '2', '1024')).toBe('10.0000000000000000');
    expect(num('log', '3.7', '1e50')).toBe('87.99691708451178');
  });

  it('raises integer powers exactly and others through ln and exp', () => {
    expect(num('power', '2', '3')).toBe('8.0000000000000000');
    expect(num('power', '2', '-2')).toBe('0.2500000000000000');
    expect(num('power', '-2', '3')).toBe('-8.0000000000000000');
    expect(num('power', '1.0001', '100000')).toBe('22015.4560485521986457');
    expect(num('power', '2', '0.5')).toBe('1.4142135623730950');
    expect(num('power', '0.99', '1234.5')).toBe('0.000004089288306884088');
    expect(num('power', '0', '0')).toBe('1.0000000000000000');
  });

  it('follows the NaN rules of power', () => {
    expect(num('power', 'NaN', '0')).toBe('1');
    expect(num('power', '1', 'NaN')).toBe('1');
    expect(num('power', '2', 'NaN')).toBe('NaN');
  });

  it('rejects undefined logarithms, roots and powers with their SQLSTATEs', () => {
    expect(error(() => num('ln', '0'))).toEqual({ code: '2201E', message: 'cannot take logarithm of zero' });
    expect(error(() => num('ln', '-1'))).toEqual({
      code: '2201E',
      message: 'cannot take logarithm of a negative number',
    });
    expect(error(() => num('log', '1', '10'))).toEqual({ code: '22012', message: 'division by zero' });
    expect(error(() => num('sqrt', '-1')).code).toBe('2201F');
    expect(error(() => num('power', '0', '-1'))).toEqual({
      code: '2201F',
      message: 'zero raised to a negative power is undefined',
    });
    expect(error(() => num('power', '-8', '0.5'))).toEqual({
      code: '2201F',
      message: 'a negative number raised to a non-integer power yields a complex result',
    });
    expect(error(() => num('exp', '7000'))).toEqual({
      code: '22003',
      message: 'value overflows numeric format',
    });
  });
});

describe('float8 math', () => {
  it('reports overflow and underflow like float.c', () => {
    expect(error(() => call('exp', ['float8'], 1000))).toEqual({
      code: '22003',
      message: 'value out of range: overflow',
    });
    expect(error(() => call('exp', ['float8'], -745.2)).message).toBe('value out of range: underflow');
    expect(call('exp', ['float8'], -Infinity)).toBe(0);
    expect(error(() => call('power', ['float8', 'float8'], 10, 400)).message).toBe(
      'value out of range: overflow',
    );
  });

  it('handles infinities and NaN in power as POSIX specifies', () => {
    expect(call('power', ['float8', 'float8'], NaN, 0)).toBe(1);
    expect(call('power', ['float8', 'float8'], 1, NaN)).toBe(1);
    expect(call('power', ['float8', 'float8'], -1, Infinity)).toBe(1);
    expect(call('power', ['float8', 'float8'], -Infinity, 3)).toBe(-Infinity);
    expect(Object.is(call('power', ['float8', 'float8'], -Infinity, -3), -0)).toBe(true);
  });

  it('rejects logarithms of zero and trig inputs out of range', () => {
    expect(error(() => call('log', ['float8'], 0)).code).toBe('2201E');
    expect(error(() => call('acos', ['float8'], 2))).toEqual({
      code: '22003',
      message: 'input is out of range',
    });
    expect(error(() => call('sin', ['float8'], Infinity)).message).toBe('input is out of range');
    expect(error(() => call('acosh', ['float8'], 0.5)).message).toBe('input is out of range');
    expect(call('atanh', ['float8'], 1)).toBe(Infinity);
  });

  it('converts between degrees and radians', () => {
    expect(call('degrees', ['float8'], Math.PI)).toBe(180);
    expect(call('radians', ['float8'], 180)).toBe(Math.PI);
    expect(call('cot', ['float8'], 1)).toBeCloseTo(0.6420926159343306, 15);
  });
});

describe('integer and numeric arithmetic functions', () => {
  it('takes mod with the sign of the dividend and no negative zero', () => {
    expect(call('mod', ['int4', 'int4'], -7, 3)).toBe(-1);
    expect(Object.is(call('mod', ['int4', 'int4'], -6, 3), 0)).toBe(true);
    expect(call('mod', ['int4', 'int4'], -2147483648, -1)).toBe(0);
    expect(call('mod', ['int8', 'int8'], -7n, 3n)).toBe(-1n);
    expect(num('mod', '7.5', '-2')).toBe('1.5');
    expect(error(() => call('mod', ['int4', 'int4'], 1, 0))).toEqual({
      code: '22012',
      message: 'division by zero',
    });
  });

  it('divides numerics truncating toward zero', () => {
    expect(num('div', '7.5', '2')).toBe('3');
    expect(num('div', '-7.5', '2')).toBe('-3');
  });

  it('computes gcd and lcm with the scale of the wider argument', () => {
    expect(call('gcd', ['int4', 'int4'], 12, -18)).toBe(6);
    expect(call('lcm', ['int8', 'int8'], 4n, 6n)).toBe(12n);
    expect(num('gcd', '1.5', '0.25')).toBe('0.25');
    expect(num('lcm', '1.5', '0.25')).toBe('1.50');
    expect(error(() => call('gcd', ['int4', 'int4'], -2147483648, 0)).message).toBe('integer out of range');
    expect(error(() => call('lcm', ['int4', 'int4'], 2147483647, 2)).message).toBe('integer out of range');
  });

  it('computes factorials exactly and rejects negative arguments', () => {
    expect(String(call('factorial', ['int8'], 25n))).toBe('15511210043330985984000000');
    expect(String(call('factorial', ['int8'], 0n))).toBe('1');
    expect(error(() => call('factorial', ['int8'], -1n))).toEqual({
      code: '22023',
      message: 'factorial of a negative number is undefined',
    });
  });

  it('reports the scale of numerics', () => {
    expect(call('scale', ['numeric'], Decimal.parse('1.500'))).toBe(3);
    expect(call('min_scale', ['numeric'], Decimal.parse('1.500'))).toBe(1);
    expect(num('trim_scale', '1.500')).toBe('1.5');
    expect(call('scale', ['numeric'], Decimal.NaN)).toBeNull();
  });
});

describe('width_bucket', () => {
  it('assigns buckets for ascending and descending bounds', () => {
    const wb = (x: number, a: number, b: number, n: number) =>
      call('width_bucket', ['float8', 'float8', 'float8', 'int4'], x, a, b, n);
    expect(wb(0.3, 0, 1, 10)).toBe(4);
    expect(wb(-1, 0, 1, 10)).toBe(0);
    expect(wb(1, 0, 1, 10)).toBe(11);
    expect(wb(0.5, 1, 0, 10)).toBe(6);
    const d = Decimal.parse;
    expect(
      call('width_bucket', ['numeric', 'numeric', 'numeric', 'int4'], d('5.35'), d('0.024'), d('10.06'), 5),
    ).toBe(3);
  });

  it('rejects degenerate bounds and counts', () => {
    const wb = (x: number, a: number, b: number, n: number) => () =>
      call('width_bucket', ['float8', 'float8', 'float8', 'int4'], x, a, b, n);
    expect(error(wb(1, 1, 1, 10))).toEqual({
      code: '2201G',
      message: 'lower bound cannot equal upper bound',
    });
    expect(error(wb(1, 0, 1, 0)).message).toBe('count must be greater than zero');
    expect(error(wb(NaN, 0, 1, 10)).message).toBe('operand, lower bound, and upper bound cannot be NaN');
    expect(error(wb(1, 0, Infinity, 10)).message).toBe('lower and upper bounds must be finite');
  });
});

describe('random', () => {
  it('repeats PostgreSQL’s sequence after setseed', () => {
    call('setseed', ['float8'], 0.5);
    expect(call('random', [])).toBe(0.9851677175347999);
    expect(call('random', [])).toBe(0.825301858027981);
  });

  it('rejects seeds outside [-1, 1]', () => {
    expect(error(() => call('setseed', ['float8'], 2))).toEqual({
      code: '22023',
      message: 'setseed parameter 2 is out of allowed range [-1,1]',
    });
  });

  it('is marked volatile', () => {
    expect(mathFunctions.find((f) => f.name === 'random')!.volatile).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/errors.js';
import type { FunctionContext, ScalarFunction } from '../../../src/sql/functions/registry.js';
import { stringFunctions } from '../../../src/sql/functions/string-functions.js';
import { Decimal } from '../../../src/types/decimal.js';
import { Interval } from '../../../src/types/interval.js';
import { arrayOf, T } from '../../../src/types/types.js';
import type { SqlType } from '../../../src/types/types.js';
import type { Value } from '../../../src/types/values.js';

// Expected values were taken from PostgreSQL 15.

const ctx: FunctionContext = {
  timezone: 'UTC',
  transactionStart: 0,
  clock: () => 0,
  setting: () => undefined,
};
const INT_ARRAY = arrayOf(T.int4);
const INT_ARRAY2 = arrayOf(T.int4);
const TEXT_ARRAY = arrayOf(T.text);

function matches(f: ScalarFunction, types: readonly SqlType[]): boolean {
  const fits = (decl: SqlType, t: SqlType): boolean =>
    decl.id === t.id ||
    decl.id === 'any' ||
    (decl.id === 'anyarray' && t.id === 'array') ||
    (decl.id === 'anyelement' && t.id !== 'array');
  if (f.variadic !== undefined)
    return types.length >= f.args.length && f.args.every((d, i) => fits(d, types[i]!));
  return f.args.length === types.length && f.args.every((d, i) => fits(d, types[i]!));
}

/** Finds the overload by name and argument types, applies strictness, and calls it. */
function call(name: string, types: SqlType[], ...args: Value[]): Value {
  const f = stringFunctions.find((x) => x.name === name && matches(x, types));
  if (f === undefined) throw new Error(`no overload ${name}(${types.map((t) => t.id).join(', ')})`);
  if (f.strict !== false && args.some((a) => a === null)) return null;
  return f.impl(args, ctx, types);
}

const text = (name: string, ...args: (string | number)[]): Value =>
  call(
    name,
    args.map((a) => (typeof a === 'number' ? T.int4 : T.text)),
    ...args,
  );

function error(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof DatabaseError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('lengths and case', () => {
  it('counts characters, not UTF-16 units, and bytes in UTF-8', () => {
    expect(text('length', '😀a')).toBe(2);
    expect(text('octet_length', 'é')).toBe(2);
    expect(text('bit_length', 'é')).toBe(16);
    expect(call('length', [T.bpchar], 'ab  ')).toBe(2);
    expect(call('octet_length', [T.bytea], Uint8Array.of(1, 2, 3))).toBe(3);
  });

  it('maps case per character like libc, without expanding ß', () => {
    expect(text('upper', 'éßaǆ')).toBe('ÉßAǄ');
    expect(text('lower', 'ÉÀΣİ')).toBe('éàσi');
  });

  it('capitalises each alphanumeric word', () => {
    expect(text('initcap', 'hello-world foo_bar 3am éTÉ ÀB cD')).toBe('Hello-World Foo_Bar 3am Été Àb Cd');
  });
});

describe('substrings and padding', () => {
  it('applies PostgreSQL’s negative-start rules to substr', () => {
    expect(text('substr', 'hello', -1, 3)).toBe('h');
    expect(text('substr', 'hello', 0)).toBe('hello');
    expect(text('substring', 'h😀llo', 2, 2)).toBe('😀l');
    expect(error(() => text('substr', 'hello', 2, -1))).toEqual({
      code: '22011',
      message: 'negative substring length not allowed',
    });
  });

  it('takes substrings of bytea by byte', () => {
    expect(call('substr', [T.bytea, T.int4, T.int4], Uint8Array.of(0x68, 0xc3, 0xa9, 0x6c), 2, 2)).toEqual(
      Uint8Array.of(0xc3, 0xa9),
    );
  });

  it('counts left and right from the other end for negative lengths', () => {
    expect(text('left', 'hello', -2)).toBe('hel');
    expect(text('right', 'hello', -2)).toBe('llo');
    expect(text('right', 'abc', 5)).toBe('abc');
  });

  it('pads with a repeated fill and truncates long input', () => {
    expect(text('lpad', 'hi', 5, 'xy')).toBe('xyxhi');
    expect(text('rpad', 'hi', 5, 'xy')).toBe('hixyx');
    expect(text('lpad', 'hello', 2)).toBe('he');
    expect(text('lpad', 'abc', 5, '')).toBe('abc');
    expect(text('rpad', 'ab', -1)).toBe('');
  });

  it('trims a set of characters', () => {
    expect(text('btrim', 'xxaxx', 'x')).toBe('a');
    expect(text('ltrim', 'xyza', 'yx')).toBe('za');
    expect(text('rtrim', 'a \t ')).toBe('a \t');
  });

  it('overlays a replacement over a span', () => {
    expect(text('overlay', 'Txxxxas', 'hom', 2, 4)).toBe('Thomas');
    expect(text('overlay', 'Txxxxas', 'hom', 2)).toBe('Thomxas');
  });
});

describe('searching and splitting', () => {
  it('finds positions by character', () => {
    expect(text('strpos', 'h😀llo', 'l')).toBe(3);
    expect(text('position', 'abc', '')).toBe(1);
    expect(text('strpos', 'abc', 'x')).toBe(0);
  });

  it('splits fields counting from either end', () => {
    expect(text('split_part', 'a,b,c', ',', -1)).toBe('c');
    expect(text('split_part', 'a,b,c', ',', 5)).toBe('');
    expect(text('split_part', 'abc', '', -1)).toBe('abc');
    expect(error(() => text('split_part', 'a', 'b', 0))).toEqual({
      code: '22023',
      message: 'field position must not be zero',
    });
  });

  it('replaces, repeats, reverses and translates', () => {
    expect(text('replace', 'abcabc', 'b', 'X')).toBe('aXcaXc');
    expect(text('replace', 'abc', '', 'X')).toBe('abc');
    expect(text('repeat', 'ab', 3)).toBe('ababab');
    expect(text('repeat', 'a', -1)).toBe('');
    expect(text('reverse', 'a😀b')).toBe('b😀a');
    expect(text('translate', '12345', '143', 'ax')).toBe('a2x5');
    expect(text('starts_with', 'abc', 'ab')).toBe(true);
  });
});

describe('characters and codes', () => {
  it('converts between characters and code points', () => {
    expect(text('chr', 128512)).toBe('😀');
    expect(text('ascii', 'é')).toBe(233);
    expect(text('ascii', '')).toBe(0);
  });

  it('rejects characters the encoding cannot hold', () => {
    expect(error(() => text('chr', 0))).toEqual({ code: '54000', message: 'null character not permitted' });
    expect(error(() => text('chr', -1))).toEqual({
      code: '22023',
      message: 'character number must be positive',
    });
    expect(error(() => text('chr', 55296)).message).toBe('requested character not valid for encoding: 55296');
    expect(error(() => text('chr', 1114112)).message).toBe(
      'requested character too large for encoding: 1114112',
    );
  });

  it('prints two’s-complement hex for negative integers', () => {
    expect(call('to_hex', [T.int4], -1)).toBe('ffffffff');
    expect(call('to_hex', [T.int8], -1n)).toBe('ffffffffffffffff');
    expect(call('to_hex', [T.int8], 255n)).toBe('ff');
  });
});

describe('concat, concat_ws and ||', () => {
  it('skips NULLs and prints values with their output functions', () => {
    const types = [T.text, T.bool, T.numeric, T.text, T.float8, T.float8];
    expect(call('concat', types, 'a', true, Decimal.parse('1.50'), null, 2 / 3, 1e20)).toBe(
      'at1.500.66666666666666661e+20',
    );
    expect(call('concat_ws', [T.text, T.text, T.text, T.int4], ',', 'a', null, 1)).toBe('a,1');
    expect(call('concat_ws', [T.text, T.text], null, 'a')).toBeNull();
  });

  it('prints dates, timestamps and intervals in ISO and postgres styles', () => {
    expect(call('concat', [T.date, T.text, T.timestamp], -735160, '|', 1704459845250000)).toBe(
      '0044-03-15 BC|2024-01-05 13:04:05.25',
    );
    expect(call('concat', [T.interval], new Interval(14, 3, 14706500000))).toBe(
      '1 year 2 mons 3 days 04:05:06.5',
    );
  });

  it('casts non-text operands of || to text, so booleans read true/false', () => {
    expect(call('||', [T.text, T.bool], 'a', true)).toBe('atrue');
    expect(call('||', [T.int4, T.text], 1, 'x')).toBe('1x');
    expect(call('||', [T.text, T.text], 'a', null)).toBeNull();
  });

  it('concatenates arrays, appends elements and keeps NULL elements', () => {
    expect(call('||', [INT_ARRAY, INT_ARRAY], [1, 2], [3])).toEqual([1, 2, 3]);
    expect(call('||', [INT_ARRAY, T.int4], [1], null)).toEqual([1, null]);
    expect(call('||', [INT_ARRAY, T.int4], null, 1)).toEqual([1]);
    expect(call('||', [T.int4, INT_ARRAY], 0, [1, 2])).toEqual([0, 1, 2]);
    expect(call('||', [INT_ARRAY2, INT_ARRAY], [[1, 2]], [3, 4])).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(error(() => call('||', [INT_ARRAY2, INT_ARRAY2], [[1, 2]], [[1, 2, 3]]))).toEqual({
      code: '2202E',
      message: 'cannot concatenate incompatible arrays',
    });
  });
});

describe('format', () => {
  it('formats %s, %I, %L, %% and positional arguments', () => {
    expect(
      call(
        'format',
        [T.text, T.text, T.text, T.text, T.text],
        '%s|%I|%L|%%|%2$s|%1$s',
        'a b',
        'Foo',
        "it's\\x",
        null,
      ),
    ).toBe(`a b|"Foo"|E'it''s\\\\x'|%|Foo|a b`);
    expect(call('format', [T.text, T.text], '%L', null)).toBe('NULL');
    expect(call('format', [T.text, INT_ARRAY], '%s', [1, 2])).toBe('{1,2}');
  });

  it('pads to fixed and argument-supplied widths', () => {
    const types = [T.text, T.text, T.text, T.int4, T.text, T.int4, T.text];
    expect(call('format', types, '%-5s|%5s|%*s|%-*s|', 'ab', 'cd', 4, 'x', 3, 'y')).toBe(
      'ab   |   cd|   x|y  |',
    );
    expect(call('format', [T.text, T.int4, T.text], '%*s|', -3, 'x')).toBe('x  |');
  });

  it('reports malformed format strings as PostgreSQL does', () => {
    expect(error(() => call('format', [T.text, T.int4], '%s %s', 1))).toEqual({
      code: '22023',
      message: 'too few arguments for format()',
    });
    expect(error(() => call('format', [T.text, T.int4], '%z', 1)).message).toBe(
      'unrecognized format() type specifier "z"',
    );
    expect(error(() => call('format', [T.text, T.int4], '%', 1)).message).toBe(
      'unterminated format() type specifier',
    );
    expect(error(() => call('format', [T.text, T.int4], '%0$s', 1)).message).toBe(
      'format specifies argument 0, but arguments are numbered from 1',
    );
    expect(error(() => call('format', [T.text, T.text], '%I', null))).toEqual({
      code: '22004',
      message: 'null values cannot be formatted as an SQL identifier',
    });
  });

  it('returns NULL for a NULL format', () => {
    expect(call('format', [T.text, T.int4], null, 1)).toBeNull();
  });
});

describe('quoting', () => {
  it('quotes identifiers that are not lower-case or are reserved words', () => {
    expect(text('quote_ident', 'foo')).toBe('foo');
    expect(text('quote_ident', 'Foo')).toBe('"Foo"');
    expect(text('quote_ident', 'select')).toBe('"select"');
    expect(text('quote_ident', 'name')).toBe('name');
    expect(text('quote_ident', 'a"b')).toBe('"a""b"');
  });

  it('quotes literals, switching to E-strings for backslashes', () => {
    expect(text('quote_literal', "O'R")).toBe("'O''R'");
    expect(text('quote_literal', 'a\\b')).toBe("E'a\\\\b'");
    expect(call('quote_literal', [T.bool], true)).toBe("'true'");
    expect(call('quote_nullable', [T.text], null)).toBe('NULL');
  });
});

describe('hashing and encodings', () => {
  it('hashes text and bytea', () => {
    expect(text('md5', 'abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(
      Buffer.from(call('sha256', [T.bytea], Uint8Array.from(Buffer.from('abc'))) as Uint8Array).toString(
        'hex',
      ),
    ).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('encodes escape and wraps base64 at 76 characters', () => {
    expect(call('encode', [T.bytea, T.text], Uint8Array.of(0, 0xff, 0x5c, 0x41), 'escape')).toBe(
      '\\000\\377\\\\A',
    );
    const b64 = call('encode', [T.bytea, T.text], new Uint8Array(60).fill(120), 'base64') as string;
    expect(b64.split('\n').map((l) => l.length)).toEqual([76, 4]);
  });

  it('decodes hex, base64 and escape input', () => {
    expect(text('decode', '0A 0b', 'HEX')).toEqual(Uint8Array.of(10, 11));
    expect(text('decode', 'aGV sbG8=', 'base64')).toEqual(Uint8Array.from(Buffer.from('hello')));
    expect(text('decode', 'a\\\\b\\001', 'escape')).toEqual(Uint8Array.of(0x61, 0x5c, 0x62, 1));
  });

  it('rejects malformed encoded input', () => {
    expect(error(() => text('decode', 'abc', 'hex'))).toEqual({
      code: '22023',
      message: 'invalid hexadecimal data: odd number of digits',
    });
    expect(error(() => text('decode', 'zz', 'hex')).message).toBe('invalid hexadecimal digit: "z"');
    expect(error(() => text('decode', 'aGVsbG8', 'base64')).message).toBe('invalid base64 end sequence');
    expect(error(() => text('decode', 'a!', 'base64')).message).toBe(
      'invalid symbol "!" found while decoding base64 sequence',
    );
    expect(error(() => text('decode', '\\q', 'escape')).code).toBe('22P02');
    expect(error(() => call('encode', [T.bytea, T.text], Uint8Array.of(1), 'foo')).message).toBe(
      'unrecognized encoding: "foo"',
    );
  });

  it('generates version 4 UUIDs', () => {
    expect(call('gen_random_uuid', [])).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('arrays', () => {
  it('splits strings into arrays, with a NULL delimiter splitting characters', () => {
    expect(text('string_to_array', 'a,b,,c', ',')).toEqual(['a', 'b', '', 'c']);
    expect(call('string_to_array', [T.text, T.text], 'abc', null)).toEqual(['a', 'b', 'c']);
    expect(text('string_to_array', '', ',')).toEqual([]);
    expect(text('string_to_array', 'a,N,b', ',', 'N')).toEqual(['a', null, 'b']);
  });

  it('joins arrays, flattening dimensions and skipping or replacing NULLs', () => {
    expect(call('array_to_string', [INT_ARRAY, T.text], [1, null, 3], ',')).toBe('1,3');
    expect(call('array_to_string', [INT_ARRAY, T.text, T.text], [1, null, 3], ',', '*')).toBe('1,*,3');
    expect(
      call(
        'array_to_string',
        [INT_ARRAY2, T.text],
        [
          [1, 2],
          [3, 4],
        ],
        '-',
      ),
    ).toBe('1-2-3-4');
    expect(call('array_to_string', [arrayOf(T.bool), T.text], [true, false], ',')).toBe('t,f');
  });

  it('reports lengths and bounds per dimension', () => {
    const m = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    expect(call('array_length', [INT_ARRAY2, T.int4], m, 2)).toBe(3);
    expect(call('array_length', [INT_ARRAY, T.int4], [], 1)).toBeNull();
    expect(call('array_upper', [INT_ARRAY, T.int4], [1, 2, 3], 1)).toBe(3);
    expect(call('array_lower', [INT_ARRAY, T.int4], [1, 2, 3], 1)).toBe(1);
    expect(call('cardinality', [INT_ARRAY2], m)).toBe(6);
    expect(call('cardinality', [INT_ARRAY], [])).toBe(0);
    expect(call('array_dims', [INT_ARRAY2], m)).toBe('[1:2][1:3]');
  });

  it('finds positions, matching NULL to NULL', () => {
    expect(call('array_position', [INT_ARRAY, T.int4], [1, null, 3], null)).toBe(2);
    expect(call('array_position', [INT_ARRAY, T.int4, T.int4], [1, 2, 1], 1, 2)).toBe(3);
    expect(call('array_position', [TEXT_ARRAY, T.text], ['a'], 'b')).toBeNull();
    expect(call('array_positions', [INT_ARRAY, T.int4], [1, 2, 1], 1)).toEqual([1, 3]);
    expect(error(() => call('array_position', [INT_ARRAY2, T.int4], [[1]], 1)).code).toBe('0A000');
  });

  it('quotes array elements in text output', () => {
    const a = ['a b', null, 'x"y', '', 'NULL', 'a,b', 'é', 'a\\b'];
    expect(call('format', [T.text, TEXT_ARRAY], '%s', a)).toBe(
      '{"a b",NULL,"x\\"y","","NULL","a,b",é,"a\\\\b"}',
    );
  });
});

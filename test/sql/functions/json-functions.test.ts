import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/errors.js';
import { formatJson, jsonFunctions, normalizeJsonb } from '../../../src/sql/functions/json-functions.js';
import type { FunctionContext, ScalarFunction } from '../../../src/sql/functions/registry.js';
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
const TEXT_ARRAY = arrayOf(T.text);

function matches(f: ScalarFunction, types: readonly SqlType[]): boolean {
  const fits = (decl: SqlType, t: SqlType): boolean =>
    decl.id === t.id ||
    decl.id === 'any' ||
    decl.id === 'anyelement' ||
    (decl.id === 'anyarray' && t.id === 'array');
  if (f.variadic !== undefined)
    return types.length >= f.args.length && f.args.every((d, i) => fits(d, types[i]!));
  return f.args.length === types.length && f.args.every((d, i) => fits(d, types[i]!));
}

/** Finds the overload by name and argument types, applies strictness, and calls it. */
function call(name: string, types: SqlType[], ...args: Value[]): Value {
  const f = jsonFunctions.find((x) => x.name === name && matches(x, types));
  if (f === undefined) throw new Error(`no overload ${name}(${types.map((t) => t.id).join(', ')})`);
  if (f.strict !== false && args.some((a) => a === null)) return null;
  return f.impl(args, ctx, types);
}

/** A jsonb operand as the engine stores it: normalised text. */
const jb = (text: string): string => normalizeJsonb(text);

function error(f: () => unknown): { code: string; message: string; detail?: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof DatabaseError) {
      return e.detail === undefined
        ? { code: e.code, message: e.message }
        : { code: e.code, message: e.message, detail: e.detail };
    }
    throw e;
  }
  throw new Error('expected an error');
}

describe('normalizeJsonb', () => {
  it('sorts keys by length then bytes and keeps the last duplicate', () => {
    expect(normalizeJsonb('{"b":1, "aa":2, "a":3, "a":4}')).toBe('{"a": 4, "b": 1, "aa": 2}');
    expect(normalizeJsonb('{"é":1,"z":2,"😀":3,"\uffff":4}')).toBe('{"z": 2, "é": 1, "\uffff": 4, "😀": 3}');
  });

  it('keeps number text but prints it as numeric does', () => {
    expect(normalizeJsonb('[1.50, 1e2, -0, 1E-2, 0.0, -0.0, 1e-7, -1.5E+3]')).toBe(
      '[1.50, 100, 0, 0.01, 0.0, 0.0, 0.0000001, -1500]',
    );
  });

  it('decodes escapes and re-escapes only what JSON requires', () => {
    expect(normalizeJsonb('{"a":"\\u00e9\\n\\u001f/\\"\\\\"}')).toBe('{"a": "é\\n\\u001f/\\"\\\\"}');
    expect(normalizeJsonb('"\\ud83d\\ude00"')).toBe('"😀"');
  });

  it('serialises JS data as well as JSON text', () => {
    expect(normalizeJsonb({ b: 1, a: [Decimal.parse('1.50'), null, 'x'] })).toBe(
      '{"a": [1.50, null, "x"], "b": 1}',
    );
    expect(formatJson({ a: [1, 'x', null, true] })).toBe('{"a":[1,"x",null,true]}');
    expect(formatJson('{"a" :  1}')).toBe('{"a" :  1}');
  });

  it('rejects invalid JSON with PostgreSQL’s details', () => {
    const cases: [string, string][] = [
      ['{"a" 1}', 'Expected ":", but found "1".'],
      ['[1,]', 'Expected JSON value, but found "]".'],
      ['{"a":1}x', 'Token "x" is invalid.'],
      ['"\\x"', 'Escape sequence "\\x" is invalid.'],
      ['[1', 'The input string ended unexpectedly.'],
      ['{1:2}', 'Expected string or "}", but found "1".'],
      ['{"a":1,}', 'Expected string, but found "}".'],
      ['{"a":1 "b":2}', 'Expected "," or "}", but found ""b"".'],
      ['tru', 'Token "tru" is invalid.'],
      ['01', 'Token "01" is invalid.'],
      ['"\n"', 'Character with value 0x0a must be escaped.'],
      ['"\\u12"', '"\\u" must be followed by four hexadecimal digits.'],
      ['"\\ude00"', 'Unicode low surrogate must follow a high surrogate.'],
    ];
    for (const [text, detail] of cases) {
      expect(error(() => normalizeJsonb(text))).toEqual({
        code: '22P02',
        message: 'invalid input syntax for type json',
        detail,
      });
    }
    expect(error(() => normalizeJsonb('"\\u0000"')).code).toBe('22P05');
  });
});

describe('navigation', () => {
  it('returns json sub-values with their original text', () => {
    expect(call('->', [T.json, T.text], '{"a": [1,  2]}', 'a')).toBe('[1,  2]');
    expect(call('->>', [T.json, T.text], '{"a": [1,  2]}', 'a')).toBe('[1,  2]');
    expect(call('->', [T.json, T.text], '{"a":"x\\u00e9"}', 'a')).toBe('"x\\u00e9"');
    expect(call('->>', [T.json, T.text], '{"a":"x\\u00e9"}', 'a')).toBe('xé');
    expect(call('->', [T.json, T.text], '{"a":1,"a":2}', 'a')).toBe('2');
  });

  it('finds keys past strings holding brackets, escaped keys and duplicates', () => {
    const doc = '{"a\\"b": 1, "x": {"y": "}"}, "z": [1, "]"], "w": "q\\"r", "\\u0061": 5, "n": null}';
    expect(call('->>', [T.json, T.text], doc, 'w')).toBe('q"r');
    expect(call('->', [T.json, T.text], doc, 'z')).toBe('[1, "]"]');
    expect(call('->', [T.json, T.text], doc, 'x')).toBe('{"y": "}"}');
    expect(call('->>', [T.json, T.text], doc, 'a"b')).toBe('1');
    expect(call('->>', [T.json, T.text], doc, 'a')).toBe('5');
    expect(call('->', [T.json, T.text], doc, 'missing')).toBeNull();
    expect(call('->', [T.json, T.text], '{"a":1, "a" : 2 }', 'a')).toBe('2');
    expect(call('->>', [T.json, T.text], ' { "k" : "v" } ', 'k')).toBe('v');
    expect(call('->', [T.jsonb, T.text], '[1]', 'a')).toBeNull();
  });

  it('indexes arrays from the end with negative subscripts', () => {
    expect(call('->', [T.json, T.int4], '[1,2,3]', -1)).toBe('3');
    expect(call('->', [T.json, T.int4], '[1,2,3]', 5)).toBeNull();
    expect(call('->>', [T.json, T.int4], '"s"', 0)).toBeNull();
  });

  it('maps JSON null to SQL NULL only for the text operators', () => {
    expect(call('->', [T.jsonb, T.text], jb('{"a":null}'), 'a')).toBe('null');
    expect(call('->>', [T.jsonb, T.text], jb('{"a":null}'), 'a')).toBeNull();
  });

  it('follows paths with #> and #>>', () => {
    const doc = jb('{"a":{"b":[10,20]}}');
    expect(call('#>', [T.jsonb, TEXT_ARRAY], doc, ['a', 'b', '-1'])).toBe('20');
    expect(call('#>>', [T.jsonb, TEXT_ARRAY], doc, ['a', 'b', '1'])).toBe('20');
    expect(call('#>', [T.jsonb, TEXT_ARRAY], doc, [])).toBe(doc);
    expect(call('#>', [T.jsonb, TEXT_ARRAY], doc, ['a', 'x'])).toBeNull();
    expect(call('#>>', [T.jsonb, TEXT_ARRAY], jb('"x"'), [])).toBe('x');
    expect(call('#>>', [T.jsonb, TEXT_ARRAY], doc, ['a', null])).toBeNull();
  });

  it('extracts paths with the variadic functions', () => {
    expect(
      call('json_extract_path', [T.json, T.text, T.text, T.text], '{"a":{"b":[1,2]}}', 'a', 'b', '1'),
    ).toBe('2');
    expect(call('json_extract_path_text', [T.json, T.text, T.text], '{"a":{"b":"x"}}', 'a', 'b')).toBe('x');
  });

  it('reports types and array lengths', () => {
    expect(call('jsonb_typeof', [T.jsonb], '"a"')).toBe('string');
    expect(call('json_typeof', [T.json], ' null ')).toBe('null');
    expect(call('json_array_length', [T.json], '[1,[2]]')).toBe(2);
    expect(error(() => call('json_array_length', [T.json], '{}')).message).toBe(
      'cannot get array length of a non-array',
    );
    expect(error(() => call('jsonb_array_length', [T.jsonb], '1')).message).toBe(
      'cannot get array length of a scalar',
    );
  });
});

describe('jsonb operators', () => {
  const op = (name: string, right: SqlType, a: string, b: Value): Value =>
    call(name, [T.jsonb, right], jb(a), b);

  it('tests containment, treating a scalar on the right as a one-element array', () => {
    const c = (a: string, b: string): Value => op('@>', T.jsonb, a, jb(b));
    expect(c('{"a":1,"b":{"c":[1,2,3]}}', '{"b":{"c":[3,1]}}')).toBe(true);
    expect(c('[1,2,[3]]', '[[3]]')).toBe(true);
    expect(c('[1,2]', '1')).toBe(true);
    expect(c('1', '[1]')).toBe(false);
    expect(c('[1,[2]]', '[2]')).toBe(false);
    expect(c('{"a":1.0}', '{"a":1}')).toBe(true);
    expect(c('{"a":[1]}', '{"a":1}')).toBe(false);
    expect(c('{"a":1}', '[]')).toBe(false);
    expect(op('<@', T.jsonb, '{"a":1}', jb('{"a":1,"b":2}'))).toBe(true);
  });

  it('tests key existence on objects, string array elements and string scalars', () => {
    expect(op('?', T.text, '["a"]', 'a')).toBe(true);
    expect(op('?', T.text, '"a"', 'a')).toBe(true);
    expect(op('?', T.text, '[["a"]]', 'a')).toBe(false);
    expect(op('?|', TEXT_ARRAY, '{"a":1,"b":2}', ['x', 'b'])).toBe(true);
    expect(op('?&', TEXT_ARRAY, '{"a":1,"b":2}', ['a', 'b', null])).toBe(true);
    expect(op('?|', TEXT_ARRAY, '{"a":1}', [null])).toBe(false);
    expect(op('?&', TEXT_ARRAY, '{"a":1}', [])).toBe(true);
  });

  it('concatenates objects by merging and everything else as arrays', () => {
    const cat = (a: string, b: string): Value => op('||', T.jsonb, a, jb(b));
    expect(cat('{"a":1,"b":2}', '{"b":3,"c":4}')).toBe('{"a": 1, "b": 3, "c": 4}');
    expect(cat('[1]', '2')).toBe('[1, 2]');
    expect(cat('1', '2')).toBe('[1, 2]');
    expect(cat('{"a":1}', '[2]')).toBe('[{"a": 1}, 2]');
  });

  it('deletes keys, string elements, indexes and paths', () => {
    expect(op('-', T.text, '{"a":1,"b":2}', 'a')).toBe('{"b": 2}');
    expect(op('-', T.text, '["a","b","a"]', 'a')).toBe('["b"]');
    expect(op('-', T.int4, '[1,2,3]', -1)).toBe('[1, 2]');
    expect(op('-', TEXT_ARRAY, '{"a":1,"b":2,"c":3}', ['a', 'c'])).toBe('{"b": 2}');
    expect(op('#-', TEXT_ARRAY, '{"a":{"b":1}}', ['a', 'b'])).toBe('{"a": {}}');
    expect(error(() => op('-', T.text, '1', 'a'))).toEqual({
      code: '22023',
      message: 'cannot delete from scalar',
    });
    expect(error(() => op('-', T.int4, '{"a":1}', 0)).message).toBe(
      'cannot delete from object using integer index',
    );
  });
});

describe('jsonb_set, jsonb_strip_nulls and jsonb_pretty', () => {
  const set = (doc: string, path: (string | null)[], v: string, create?: boolean): Value =>
    create === undefined
      ? call('jsonb_set', [T.jsonb, TEXT_ARRAY, T.jsonb], jb(doc), path, jb(v))
      : call('jsonb_set', [T.jsonb, TEXT_ARRAY, T.jsonb, T.bool], jb(doc), path, jb(v), create);

  it('replaces or adds the value at a path', () => {
    expect(set('{"a":1}', ['b'], '2')).toBe('{"a": 1, "b": 2}');
    expect(set('{"a":1}', ['b'], '2', false)).toBe('{"a": 1}');
    expect(set('{"a":{}}', ['a', 'x'], '1')).toBe('{"a": {"x": 1}}');
    expect(set('{"a":{}}', ['x', 'y'], '1')).toBe('{"a": {}}');
    expect(set('{"b":1,"a":2}', ['aa'], '[3, {"z":1,"y":2}]')).toBe(
      '{"a": 2, "b": 1, "aa": [3, {"y": 2, "z": 1}]}',
    );
  });

  it('appends or prepends past either end of an array', () => {
    expect(set('[1,2]', ['-1'], '9')).toBe('[1, 9]');
    expect(set('[1,2]', ['5'], '9')).toBe('[1, 2, 9]');
    expect(set('[1,2]', ['-5'], '9')).toBe('[9, 1, 2]');
  });

  it('rejects scalars, NULL path elements and non-integer array steps', () => {
    expect(error(() => set('1', ['a'], '2'))).toEqual({
      code: '22023',
      message: 'cannot set path in scalar',
    });
    expect(error(() => set('{"a":1}', [null], '2'))).toEqual({
      code: '22004',
      message: 'path element at position 1 is null',
    });
    expect(error(() => set('[1]', ['a'], '2'))).toEqual({
      code: '22P02',
      message: 'path element at position 1 is not an integer: "a"',
    });
  });

  it('strips object fields that are null, keeping null array elements', () => {
    expect(call('jsonb_strip_nulls', [T.jsonb], jb('{"a":null,"b":[null,{"c":null}],"d":{"e":null}}'))).toBe(
      '{"b": [null, {}], "d": {}}',
    );
    expect(call('json_strip_nulls', [T.json], '{"a": null, "b": [null, {"c":null, "x": 1}]}')).toBe(
      '{"b":[null,{"x":1}]}',
    );
  });

  it('pretty-prints with four-space indentation', () => {
    expect(call('jsonb_pretty', [T.jsonb], jb('{"a":1,"b":[1,2,{}],"c":{}}'))).toBe(
      '{\n    "a": 1,\n    "b": [\n        1,\n        2,\n        {\n        }\n    ],\n    "c": {\n    }\n}',
    );
    expect(call('jsonb_pretty', [T.jsonb], '[]')).toBe('[\n]');
  });
});

describe('constructors', () => {
  it('converts SQL values with to_json and to_jsonb', () => {
    expect(call('to_json', [T.text], 'a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(
      call(
        'to_json',
        [arrayOf(T.int4)],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toBe('[[1,2],[3,4]]');
    expect(call('to_jsonb', [TEXT_ARRAY], ['a', null])).toBe('["a", null]');
    expect(call('to_json', [T.json], '{"a":  1}')).toBe('{"a":  1}');
    expect(call('to_jsonb', [T.json], '{"a":  1}')).toBe('{"a": 1}');
    expect(call('to_json', [T.numeric], Decimal.parse('1.50'))).toBe('1.50');
    expect(call('to_json', [T.float8], 1e20)).toBe('1e+20');
    expect(call('to_jsonb', [T.float8], 1e20)).toBe('100000000000000000000');
    expect(call('to_json', [T.float8], NaN)).toBe('"NaN"');
    expect(call('to_json', [T.interval], new Interval(0, 1, 0))).toBe('"1 day"');
    expect(call('to_json', [T.bytea], Uint8Array.of(1))).toBe('"\\\\x01"');
  });

  it('writes dates and timestamps in ISO 8601 form', () => {
    expect(call('to_json', [T.timestamp], 1704459845500000)).toBe('"2024-01-05T13:04:05.5"');
    expect(call('to_json', [T.timestamptz], 1704459845123000)).toBe('"2024-01-05T13:04:05.123+00:00"');
    expect(call('to_json', [T.timestamp], Infinity)).toBe('"infinity"');
    expect(call('to_json', [T.date], -735160)).toBe('"0044-03-15 BC"');
  });

  it('writes timestamptz in the session time zone', () => {
    const kolkata: FunctionContext = { ...ctx, timezone: 'Asia/Kolkata' };
    const f = jsonFunctions.find((x) => x.name === 'to_json')!;
    expect(f.impl([1704459845000000], kolkata, [T.timestamptz])).toBe('"2024-01-05T18:34:05+05:30"');
  });

  it('builds json objects and arrays in PostgreSQL’s layout', () => {
    const types = [T.text, T.int4, T.text, T.text, T.text, T.text, T.text, arrayOf(T.int4), T.text, T.json];
    expect(call('json_build_object', types, 'a', 1, 'b', 'x', 'c', null, 'f', [1, 2], 'g', '{"x": 1}')).toBe(
      '{"a" : 1, "b" : "x", "c" : null, "f" : [1,2], "g" : {"x": 1}}',
    );
    expect(call('json_build_object', [T.int4, T.int4, T.bool, T.int4], 1, 2, true, 3)).toBe(
      '{"1" : 2, "true" : 3}',
    );
    expect(call('json_build_array', [T.int4, T.text, T.text, T.jsonb], 1, 'a', null, '[1, 2]')).toBe(
      '[1, "a", null, [1, 2]]',
    );
    expect(call('json_build_object', [])).toBe('{}');
  });

  it('builds normalised jsonb objects where the last duplicate key wins', () => {
    expect(
      call('jsonb_build_object', [T.text, T.int4, T.text, T.int4, T.text, T.int4], 'b', 1, 'a', 2, 'b', 3),
    ).toBe('{"a": 2, "b": 3}');
    expect(call('jsonb_build_object', [T.text, T.json], 'c', '[1,  2]')).toBe('{"c": [1, 2]}');
    expect(call('jsonb_build_array', [])).toBe('[]');
  });

  it('rejects bad object keys and odd argument lists', () => {
    expect(error(() => call('json_build_object', [T.text, T.int4], null, 1))).toEqual({
      code: '22023',
      message: 'argument 1 cannot be null',
    });
    expect(error(() => call('json_build_object', [T.text], 'a')).message).toBe(
      'argument list must have even number of elements',
    );
    expect(error(() => call('json_build_object', [arrayOf(T.int4), T.int4], [1], 1)).message).toBe(
      'key value must be scalar, not array, composite, or json',
    );
  });
});

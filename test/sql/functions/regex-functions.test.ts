import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/errors.js';
import { likeToRegExp, regexFunctions, similarToRegExp } from '../../../src/sql/functions/regex-functions.js';
import type { FunctionContext } from '../../../src/sql/functions/registry.js';
import { T } from '../../../src/types/types.js';
import type { Value } from '../../../src/types/values.js';

// Expected values were taken from PostgreSQL 15.

const ctx: FunctionContext = {
  timezone: 'UTC',
  transactionStart: 0,
  clock: () => 0,
  setting: () => undefined,
};

/** Calls the overload whose argument types are text, except numbers, which are int4. */
function call(name: string, ...args: (string | number)[]): Value {
  const types = args.map((a) => (typeof a === 'number' ? T.int4 : T.text));
  const f = regexFunctions.find(
    (x) => x.name === name && x.args.length === types.length && x.args.every((t, i) => t.id === types[i]!.id),
  );
  if (f === undefined) throw new Error(`no overload ${name}(${types.map((t) => t.id).join(', ')})`);
  return f.impl(args, ctx, types);
}

const re = (s: string, pattern: string): Value => call('~', s, pattern);

function error(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof DatabaseError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('ARE translation', () => {
  it('matches with the regex operators', () => {
    expect(re('foobar', 'o+b')).toBe(true);
    expect(call('~*', 'ABC', 'b')).toBe(true);
    expect(call('!~', 'ABC', 'b')).toBe(true);
    expect(call('!~*', 'ABC', 'b')).toBe(false);
  });

  it('supports POSIX classes and Unicode word characters', () => {
    expect(re('é', '^\\w$')).toBe(true);
    expect(re('é', '^[[:alpha:]]$')).toBe(true);
    expect(re('١', '^\\d$')).toBe(false);
    expect(re('AbC', '[[:upper:]][[:lower:]][[:upper:]]')).toBe(true);
  });

  it('supports class escapes inside brackets, including complemented ones', () => {
    expect(re('a', '[\\W]')).toBe(false);
    expect(re('_', '[^\\W]')).toBe(true);
    expect(re('!', '[a\\W]')).toBe(true);
    expect(re('5', '[\\D]')).toBe(false);
  });

  it('reads bracket edge cases the POSIX way', () => {
    expect(re(']', '[]a]')).toBe(true);
    expect(re('-', '[a-]')).toBe(true);
    expect(re('b', '[^]a]')).toBe(true);
  });

  it('translates word-boundary constraints', () => {
    expect(re('foo bar', '\\mbar\\M')).toBe(true);
    expect(re('foobar', '\\ybar')).toBe(false);
    expect(re('foo bar', '\\ybar\\y')).toBe(true);
  });

  it('treats { without a digit as a literal', () => {
    expect(re('a{x', 'a{x')).toBe(true);
  });

  it('honours embedded options and the ***= literal prefix', () => {
    expect(re('A', '(?i)a')).toBe(true);
    expect(re('ab', '***=a.')).toBe(false);
    expect(re('a.', '***=a.')).toBe(true);
    expect(call('regexp_match', 'FOO', '(?c)foo', 'i')).toBeNull();
  });

  it('handles escapes, back references and lookaround', () => {
    expect(re('A', '\\x41')).toBe(true);
    expect(re('é', '\\u00e9')).toBe(true);
    expect(re('aa', '^(a)\\1$')).toBe(true);
    expect(re('ab', '(?<=a)b')).toBe(true);
    expect(call('regexp_match', 'ab(a)', '(?<=(a))b')).toEqual(['b']);
  });

  it('reports invalid patterns with PostgreSQL’s messages', () => {
    const cases: [string, string][] = [
      ['a**', 'quantifier operand invalid'],
      ['*a', 'quantifier operand invalid'],
      ['a{2,1}', 'invalid repetition count(s)'],
      ['a{256}', 'invalid repetition count(s)'],
      ['a{1', 'braces {} not balanced'],
      ['(a', 'parentheses () not balanced'],
      ['a)', 'parentheses () not balanced'],
      ['[a', 'brackets [] not balanced'],
      ['\\q', 'invalid escape \\ sequence'],
      ['a\\', 'invalid escape \\ sequence'],
      ['[[:foo:]]', 'invalid character class'],
      ['[z-a]', 'invalid character range'],
      ['(a)\\2', 'invalid backreference number'],
    ];
    for (const [pattern, reason] of cases) {
      expect(error(() => re('a', pattern))).toEqual({
        code: '2201B',
        message: `invalid regular expression: ${reason}`,
      });
    }
  });
});

describe('flags', () => {
  it('applies newline-sensitive matching only with n, p or w', () => {
    expect(call('regexp_match', 'a\nb', '^b')).toBeNull();
    expect(call('regexp_match', 'a\nb', '^b', 'n')).toEqual(['b']);
    expect(call('regexp_match', 'a\nb', 'a.b')).toEqual(['a\nb']);
    expect(call('regexp_match', 'a\nb', 'a.b', 'n')).toBeNull();
    expect(call('regexp_match', 'a\nb', 'a[^x]b', 'p')).toBeNull();
    expect(call('regexp_match', 'a\nb', 'a$', 'w')).toEqual(['a']);
  });

  it('ignores white space and comments in expanded mode', () => {
    expect(call('regexp_match', 'foo bar', 'f o o # comment\n \\s bar', 'x')).toEqual(['foo bar']);
  });

  it('rejects unknown options and global where it is not supported', () => {
    expect(error(() => call('regexp_match', 'a', 'a', 'z'))).toEqual({
      code: '22023',
      message: 'invalid regular expression option: "z"',
    });
    expect(error(() => call('regexp_match', 'a', 'a', 'g')).message).toBe(
      'regexp_match() does not support the "global" option',
    );
    expect(error(() => call('regexp_like', 'a', 'a', 'g')).message).toBe(
      'regexp_like() does not support the "global" option',
    );
  });
});

describe('regexp functions', () => {
  it('returns capture groups, or the whole match when there are none', () => {
    expect(call('regexp_match', 'foobarbequebaz', '(bar)(beque)')).toEqual(['bar', 'beque']);
    expect(call('regexp_match', 'abc', '(x)?b')).toEqual([null]);
    expect(call('regexp_match', 'abc', 'x')).toBeNull();
    expect(call('regexp_matches', 'abab', 'b', 'g')).toEqual(['b']);
  });

  it('replaces with back references, \\& and escaped backslashes', () => {
    expect(call('regexp_replace', 'foobarbaz', 'b(..)', 'X\\1Y\\&Z\\\\W\\q', 'g')).toBe(
      'fooXarYbarZ\\W\\qXazYbazZ\\W\\q',
    );
    expect(call('regexp_replace', 'Thomas', '.[mN]a.', 'M')).toBe('ThM');
    expect(call('regexp_replace', 'abc', '(b)', '[\\2]')).toBe('a[]c');
  });

  it('replaces zero-length matches between every character', () => {
    expect(call('regexp_replace', 'abc', '', 'X', 'g')).toBe('XaXbXcX');
    expect(call('regexp_replace', 'a😀b', '', '-', 'g')).toBe('-a-😀-b-');
  });

  it('replaces from a start position and only the n-th match', () => {
    expect(call('regexp_replace', 'aaa', 'a', 'b', 2)).toBe('aba');
    expect(call('regexp_replace', 'aaa', 'a', 'b', 1, 2)).toBe('aba');
    expect(call('regexp_replace', 'aaa', 'a', 'b', 1, 0)).toBe('bbb');
    expect(call('regexp_replace', 'aAa', 'a', 'b', 2, 0, 'i')).toBe('abb');
    expect(error(() => call('regexp_replace', 'a', 'a', 'b', 0)).message).toBe(
      'invalid value for parameter "start": 0',
    );
  });

  it('hints at the start parameter when the flags look like a number', () => {
    try {
      call('regexp_replace', 'a', 'a', 'b', '1');
      expect.unreachable();
    } catch (e) {
      expect((e as DatabaseError).hint).toMatch(/cast the fourth argument to integer/);
    }
  });

  it('splits, ignoring zero-length matches at the ends', () => {
    expect(call('regexp_split_to_array', 'hello world', '\\s+')).toEqual(['hello', 'world']);
    expect(call('regexp_split_to_array', 'abc', '')).toEqual(['a', 'b', 'c']);
    expect(call('regexp_split_to_array', 'abc', 'x*')).toEqual(['a', 'b', 'c']);
    expect(call('regexp_split_to_array', 'a,b,', ',')).toEqual(['a', 'b', '']);
    expect(call('regexp_split_to_array', 'a😀b', '')).toEqual(['a', '😀', 'b']);
  });

  it('counts matches from a start position', () => {
    expect(call('regexp_count', 'abc', '')).toBe(4);
    expect(call('regexp_count', 'ababab', 'ab', 2)).toBe(2);
    expect(call('regexp_count', 'abc', 'c', 5)).toBe(0);
    expect(call('regexp_count', 'aAa', 'a', 1, 'i')).toBe(3);
  });

  it('extracts the n-th match or subexpression and its position', () => {
    expect(call('regexp_substr', 'abcabc', 'b(c)', 1, 2, '', 1)).toBe('c');
    expect(call('regexp_substr', 'abc', 'b', 1, 1, '', 3)).toBeNull();
    expect(call('regexp_instr', 'abcabc', 'b', 1, 2)).toBe(5);
    expect(call('regexp_instr', 'abcabc', 'b', 1, 1, 1)).toBe(3);
    expect(call('regexp_instr', 'x😀abcabc', 'a(b)c', 1, 2, 0, '', 1)).toBe(7);
    expect(error(() => call('regexp_substr', 'abc', 'b', 1, 0)).message).toBe(
      'invalid value for parameter "n": 0',
    );
  });

  it('tests with regexp_like', () => {
    expect(call('regexp_like', 'Hello', 'hello', 'i')).toBe(true);
    expect(call('regexp_like', 'Hello', 'hello')).toBe(false);
  });

  it('takes substring by POSIX pattern and by SQL pattern with separators', () => {
    expect(call('substring', 'foobar', 'o.b')).toBe('oob');
    expect(call('substring', 'foobar', 'o(.)b')).toBe('o');
    expect(call('substring', 'foobar', '%#"o_b#"%', '#')).toBe('oob');
    expect(call('substring', 'xaybxazb', '%#"a_b#"%', '#')).toBe('ayb');
    expect(error(() => call('substring', 'abc', '#"a#"#"b#"#"c', '#')).code).toBe('2200C');
  });
});

describe('LIKE and SIMILAR TO', () => {
  it('matches % and _ by character, with backslash as the default escape', () => {
    expect(likeToRegExp('a\\_b', false).test('a_b')).toBe(true);
    expect(likeToRegExp('a\\_b', false).test('axb')).toBe(false);
    expect(likeToRegExp('a_b', false).test('a😀b')).toBe(true);
    expect(likeToRegExp('a_b', false).test('a\nb')).toBe(true);
    expect(likeToRegExp('a.c', false).test('abc')).toBe(false);
    expect(likeToRegExp('a[b]', false).test('a[b]')).toBe(true);
  });

  it('honours custom, empty and case-insensitive matching', () => {
    expect(likeToRegExp('a!%', false, '!').test('a%')).toBe(true);
    expect(likeToRegExp('a%', false, '').test('ab')).toBe(true);
    expect(likeToRegExp('a%', true).test('AB')).toBe(true);
    expect(call('~~*', 'AB', 'a%')).toBe(true);
    expect(call('!~~', 'AB', 'a%')).toBe(true);
  });

  it('returns the same compiled pattern for repeated calls', () => {
    expect(likeToRegExp('x%y', false)).toBe(likeToRegExp('x%y', false));
  });

  it('rejects a trailing escape and multi-character escapes', () => {
    expect(error(() => likeToRegExp('a\\', false))).toEqual({
      code: '22025',
      message: 'LIKE pattern must not end with escape character',
    });
    expect(error(() => likeToRegExp('a', false, 'xy'))).toEqual({
      code: '22025',
      message: 'invalid escape string',
    });
  });

  it('translates SIMILAR TO patterns', () => {
    expect(similarToRegExp('a(b|c)%').test('abc')).toBe(true);
    expect(similarToRegExp('a.c').test('a.c')).toBe(true);
    expect(similarToRegExp('a.c').test('abc')).toBe(false);
    expect(similarToRegExp('a|b').test('ab')).toBe(false);
    expect(similarToRegExp('\\d').test('1')).toBe(true);
    expect(similarToRegExp('x{2}').test('xx')).toBe(true);
  });
});

import { DatabaseError, SqlState } from '../../errors.js';
import { arrayOf, T } from '../../types/types.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { ScalarFunction } from './registry.js';

/**
 * PostgreSQL regular expressions (ARE syntax) run on JavaScript's engine: patterns are translated
 * once and cached. Known difference: JavaScript picks the first matching alternative where
 * PostgreSQL prefers the longest overall match (`regexp_match('abcd', 'a|ab')` is `{a}` here, `{ab}`
 * in PostgreSQL); quantifier greediness otherwise agrees.
 */

const TEXT_ARRAY = arrayOf(T.text);
const INVALID_USE_OF_ESCAPE_CHARACTER = SqlState.invalidUseOfEscapeCharacter;

function badRegex(reason: string): never {
  throw new DatabaseError(SqlState.invalidRegularExpression, `invalid regular expression: ${reason}`);
}

/** A bounded cache: drops the oldest entry when full. */
class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, v: V): void {
    if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, v);
  }
}

// ---------------------------------------------------------------------------------------------
// Flags

interface RegexOptions {
  icase: boolean;
  /** '.' and negated brackets do not match newline (flags n, m, p). */
  nlStop: boolean;
  /** ^ and $ match at newlines (flags n, m, w). */
  nlAnchor: boolean;
  expanded: boolean;
  literal: boolean;
  basic: boolean;
}

interface ParsedFlags {
  readonly opts: RegexOptions;
  readonly global: boolean;
  /** Compiled patterns under these flags, by pattern text (without and with group offsets). */
  readonly compiled: BoundedCache<RegExp>;
  readonly compiledWithIndices: BoundedCache<RegExp>;
}

const flagCache = new BoundedCache<ParsedFlags>(64);

/**
 * Applies one option letter, as both the flags argument and an embedded `(?x)` option spell them.
 * Returns false for a letter that is not an option.
 */
function applyRegexOption(o: RegexOptions, c: string): boolean {
  switch (c) {
    case 'b':
      o.basic = true;
      return true;
    case 'c':
      o.icase = false;
      return true;
    case 'e':
      o.basic = false;
      return true;
    case 'i':
      o.icase = true;
      return true;
    case 'm':
    case 'n':
      o.nlStop = o.nlAnchor = true;
      return true;
    case 'p':
      o.nlStop = true;
      o.nlAnchor = false;
      return true;
    case 'q':
      o.literal = true;
      return true;
    case 's':
      o.nlStop = o.nlAnchor = false;
      return true;
    case 't':
      o.expanded = false;
      return true;
    case 'w':
      o.nlStop = false;
      o.nlAnchor = true;
      return true;
    case 'x':
      o.expanded = true;
      return true;
    default:
      return false;
  }
}

/** parse_re_flags: the flags argument of the regexp_* functions. */
function parseFlags(flags: string, icase = false, hint?: string): ParsedFlags {
  const key = (icase ? 'I' : '') + flags;
  const hit = flagCache.get(key);
  if (hit !== undefined) return hit;
  const o: RegexOptions = {
    icase,
    nlStop: false,
    nlAnchor: false,
    expanded: false,
    literal: false,
    basic: false,
  };
  let global = false;
  for (const c of flags) {
    if (c === 'g') global = true;
    else if (!applyRegexOption(o, c)) {
      throw new DatabaseError(
        SqlState.invalidParameterValue,
        `invalid regular expression option: "${c}"`,
        hint !== undefined && /^\d+$/.test(flags) ? { hint } : undefined,
      );
    }
  }
  const parsed: ParsedFlags = {
    opts: o,
    global,
    compiled: new BoundedCache(128),
    compiledWithIndices: new BoundedCache(16),
  };
  flagCache.set(key, parsed);
  return parsed;
}

const NO_FLAGS = parseFlags('');
const ICASE_FLAGS = parseFlags('', true);

function noGlobal(fn: string, flags: ParsedFlags, hint?: string): void {
  if (flags.global) {
    throw new DatabaseError(
      SqlState.invalidParameterValue,
      `${fn}() does not support the "global" option`,
      hint !== undefined ? { hint } : undefined,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// ARE → JavaScript translation. Output is always compiled with the 'u' flag (code points, like
// PostgreSQL's character semantics) and without 'm'/'s': anchors and '.' are spelled out instead,
// because PostgreSQL's newline rules consider only '\n'.

const WORD = '[\\p{L}\\p{N}_]';
const POSIX_CLASSES: Record<string, string> = {
  alnum: '\\p{L}\\p{N}',
  alpha: '\\p{L}',
  blank: ' \\t',
  cntrl: '\\p{Cc}',
  digit: '0-9',
  graph: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}',
  lower: '\\p{Ll}',
  print: ' \\p{L}\\p{M}\\p{N}\\p{P}\\p{S}',
  punct: '\\p{P}\\p{S}',
  space: '\\s',
  upper: '\\p{Lu}',
  xdigit: '0-9A-Fa-f',
  word: '\\p{L}\\p{N}_',
};
const CLASS_ESCAPES: Record<string, string> = {
  d: '0-9',
  s: '\\s',
  w: '\\p{L}\\p{N}_',
};

/** A literal code point as a JavaScript pattern atom, valid inside and outside brackets. */
function lit(cp: number): string {
  if ((cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122))
    return String.fromCharCode(cp);
  return `\\u{${cp.toString(16)}}`;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

class AreTranslator {
  private i = 0;
  private out = '';
  private groups = 0;
  private depth = 0;
  /** Depth of enclosing lookaround constraints, inside which parentheses do not capture. */
  private lookaround = 0;
  /** Whether the previous item can take a quantifier. */
  private atom = false;
  private readonly cps: number[];

  constructor(
    pattern: string,
    private readonly o: RegexOptions,
  ) {
    this.cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  }

  translate(): string {
    const n = this.cps.length;
    while (this.i < n) {
      const c = this.cps[this.i]!;
      if (this.o.expanded && this.skipExpandedSpace(c)) continue;
      this.i++;
      switch (c) {
        case 0x5c: // backslash
          this.escape();
          break;
        case 0x28: // (
          this.open();
          break;
        case 0x29: // )
          if (this.depth === 0) badRegex('parentheses () not balanced');
          this.depth--;
          this.out += ')';
          if (this.lookaround > 0 && this.closesLookaround()) this.lookaround--;
          this.atom = true;
          break;
        case 0x5b: // [
          this.out += this.bracket();
          this.atom = true;
          break;
        case 0x2e: // .
          this.out += this.o.nlStop ? '[^\\n]' : '[^]';
          this.atom = true;
          break;
        case 0x5e: // ^
          this.out += this.o.nlAnchor ? '(?:^|(?<=\\n))' : '^';
          this.atom = false;
          break;
        case 0x24: // $
          this.out += this.o.nlAnchor ? '(?:$|(?=\\n))' : '$';
          this.atom = false;
          break;
        case 0x7c: // |
          this.out += '|';
          this.atom = false;
          break;
        case 0x2a: // *
        case 0x2b: // +
        case 0x3f: // ?
          this.quantifier(String.fromCharCode(c));
          break;
        case 0x7b: // {
          if (this.i < n && isDigitCode(this.cps[this.i]!)) this.bound();
          else {
            this.out += '\\{';
            this.atom = true;
          }
          break;
        default:
          this.out += lit(c);
          this.atom = true;
      }
    }
    if (this.depth > 0) badRegex('parentheses () not balanced');
    return this.out;
  }

  private openKinds: boolean[] = [];

  private closesLookaround(): boolean {
    return this.openKinds.pop() === true;
  }

  private skipExpandedSpace(c: number): boolean {
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c) {
      this.i++;
      return true;
    }
    if (c === 0x23) {
      while (this.i < this.cps.length && this.cps[this.i] !== 0x0a) this.i++;
      return true;
    }
    return false;
  }

  private quantifier(q: string): void {
    if (!this.atom) badRegex('quantifier operand invalid');
    this.out += q;
    this.lazySuffix();
  }

  private lazySuffix(): void {
    if (this.cps[this.i] === 0x3f) {
      this.out += '?';
      this.i++;
    }
    this.atom = false;
  }

  private bound(): void {
    if (!this.atom) badRegex('quantifier operand invalid');
    const read = (): number => {
      let v = 0;
      const start = this.i;
      while (this.i < this.cps.length && isDigitCode(this.cps[this.i]!))
        v = v * 10 + (this.cps[this.i++]! - 48);
      return this.i === start ? -1 : v;
    };
    const m = read();
    let n = m;
    if (this.cps[this.i] === 0x2c) {
      this.i++;
      n = read();
    }
    if (this.i >= this.cps.length) badRegex('braces {} not balanced');
    if (this.cps[this.i] !== 0x7d) badRegex('invalid repetition count(s)');
    this.i++;
    if (m > 255 || n > 255 || (n >= 0 && n < m)) badRegex('invalid repetition count(s)');
    this.out += n === m ? `{${m}}` : n < 0 ? `{${m},}` : `{${m},${n}}`;
    this.lazySuffix();
  }

  private open(): void {
    const cps = this.cps;
    if (cps[this.i] === 0x3f) {
      const a = cps[this.i + 1];
      const b = cps[this.i + 2];
      let js: string | undefined;
      let len = 0;
      if (a === 0x3a) [js, len] = ['(?:', 2];
      else if (a === 0x3d) [js, len] = ['(?=', 2];
      else if (a === 0x21) [js, len] = ['(?!', 2];
      else if (a === 0x3c && b === 0x3d) [js, len] = ['(?<=', 3];
      else if (a === 0x3c && b === 0x21) [js, len] = ['(?<!', 3];
      if (js === undefined) badRegex('quantifier operand invalid');
      const isLookaround = js !== '(?:';
      this.out += js;
      this.i += len;
      this.depth++;
      this.openKinds.push(isLookaround);
      if (isLookaround) this.lookaround++;
    } else {
      this.depth++;
      this.openKinds.push(false);
      if (this.lookaround > 0) this.out += '(?:';
      else {
        this.groups++;
        this.out += '(';
      }
    }
    this.atom = false;
  }

  private escape(): void {
    const cps = this.cps;
    if (this.i >= cps.length) badRegex('invalid escape \\ sequence');
    const c = cps[this.i++]!;
    const ch = String.fromCodePoint(c);
    this.atom = true;
    switch (ch) {
      case 'A':
        this.out += '^';
        this.atom = false;
        return;
      case 'Z':
        this.out += '$';
        this.atom = false;
        return;
      case 'm':
        this.out += `(?<!${WORD})(?=${WORD})`;
        this.atom = false;
        return;
      case 'M':
        this.out += `(?<=${WORD})(?!${WORD})`;
        this.atom = false;
        return;
      case 'y':
        this.out += `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
        this.atom = false;
        return;
      case 'Y':
        this.out += `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;
        this.atom = false;
        return;
      case 'd':
      case 's':
      case 'w':
        this.out += `[${CLASS_ESCAPES[ch]!}]`;
        return;
      case 'D':
      case 'S':
      case 'W':
        this.out += `[^${CLASS_ESCAPES[ch.toLowerCase()]!}]`;
        return;
      default: {
        if (c >= 0x31 && c <= 0x39) {
          this.backref(c);
          return;
        }
        const cp = this.entryEscape(c);
        this.out += lit(cp);
      }
    }
  }

  private backref(first: number): void {
    let n = first - 48;
    // Multi-digit \mnn is a back reference only while it names an existing group.
    while (
      this.i < this.cps.length &&
      isDigitCode(this.cps[this.i]!) &&
      n * 10 + (this.cps[this.i]! - 48) <= this.groups
    ) {
      n = n * 10 + (this.cps[this.i++]! - 48);
    }
    if (n > this.groups || this.lookaround > 0) badRegex('invalid backreference number');
    this.out += `\\${n}`;
  }

  /** Character-entry escapes (\n, \x41, \u00e9, \012, …) and escaped punctuation; returns the code point. */
  private entryEscape(c: number): number {
    const cps = this.cps;
    const hex = (max: number, exact: boolean): number => {
      let v = 0;
      let k = 0;
      while (k < max && this.i < cps.length) {
        const h = cps[this.i]!;
        const d = isDigitCode(h) ? h - 48 : (h | 32) >= 97 && (h | 32) <= 102 ? (h | 32) - 87 : -1;
        if (d < 0) break;
        v = v * 16 + d;
        this.i++;
        k++;
      }
      if (k === 0 || (exact && k !== max) || v > 0x10ffff) badRegex('invalid escape \\ sequence');
      return v;
    };
    switch (String.fromCodePoint(c)) {
      case 'a':
        return 7;
      case 'b':
        return 8;
      case 'B':
        return 0x5c;
      case 'e':
        return 0x1b;
      case 'f':
        return 0x0c;
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 't':
        return 0x09;
      case 'v':
        return 0x0b;
      case 'c': {
        if (this.i >= cps.length) badRegex('invalid escape \\ sequence');
        return cps[this.i++]! & 0x1f;
      }
      case 'x':
        return hex(8, false);
      case 'u':
        return hex(4, true);
      case 'U':
        return hex(8, true);
      case '0': {
        let v = 0;
        let k = 0;
        while (k < 2 && this.i < cps.length && cps[this.i]! >= 48 && cps[this.i]! <= 55) {
          v = v * 8 + (cps[this.i++]! - 48);
          k++;
        }
        return v;
      }
      default: {
        const isAlnum = isDigitCode(c) || ((c | 32) >= 97 && (c | 32) <= 122);
        if (isAlnum) badRegex('invalid escape \\ sequence');
        return c;
      }
    }
  }

  /** A bracket expression, from after '[' through ']', as a JavaScript class. */
  private bracket(): string {
    const cps = this.cps;
    let negate = false;
    if (cps[this.i] === 0x5e) {
      negate = true;
      this.i++;
    }
    let body = '';
    let first = true;
    // \W inside brackets has no class form in 'u' mode; it becomes an alternative below.
    let nonWord = false;
    for (;;) {
      if (this.i >= cps.length) badRegex('brackets [] not balanced');
      const c = cps[this.i++]!;
      if (c === 0x5d && !first) break;
      first = false;
      if (c === 0x5b && (cps[this.i] === 0x3a || cps[this.i] === 0x2e || cps[this.i] === 0x3d)) {
        const kind = cps[this.i]!;
        const start = ++this.i;
        while (this.i + 1 < cps.length && !(cps[this.i] === kind && cps[this.i + 1] === 0x5d)) this.i++;
        if (this.i + 1 >= cps.length) badRegex('brackets [] not balanced');
        const name = String.fromCodePoint(...cps.slice(start, this.i));
        this.i += 2;
        if (kind === 0x3a) {
          const cls = POSIX_CLASSES[name];
          if (cls === undefined) badRegex('invalid character class');
          body += cls;
        } else {
          const elem = Array.from(name);
          if (elem.length !== 1) badRegex('invalid collating element');
          body += lit(elem[0]!.codePointAt(0)!);
        }
        continue;
      }
      let cp = c;
      if (c === 0x5c) {
        if (this.i >= cps.length) badRegex('brackets [] not balanced');
        const e = cps[this.i]!;
        const ch = String.fromCodePoint(e);
        if (ch === 'd' || ch === 's' || ch === 'w') {
          this.i++;
          body += CLASS_ESCAPES[ch]!;
          continue;
        }
        if (ch === 'D' || ch === 'S') {
          this.i++;
          body += ch === 'D' ? '\\u{0}-\\u{2f}\\u{3a}-\\u{10ffff}' : '\\S';
          continue;
        }
        if (ch === 'W') {
          this.i++;
          nonWord = true;
          continue;
        }
        this.i++;
        cp = this.entryEscape(e);
      }
      if (cps[this.i] === 0x2d && cps[this.i + 1] !== 0x5d && this.i + 1 < cps.length) {
        this.i++;
        let hi = cps[this.i++]!;
        if (hi === 0x5c && this.i < cps.length) hi = this.entryEscape(cps[this.i++]!);
        else if (hi === 0x5b && cps[this.i] === 0x2e) {
          const start = ++this.i;
          while (this.i + 1 < cps.length && !(cps[this.i] === 0x2e && cps[this.i + 1] === 0x5d)) this.i++;
          const elem = Array.from(String.fromCodePoint(...cps.slice(start, this.i)));
          if (elem.length !== 1) badRegex('invalid collating element');
          this.i += 2;
          hi = elem[0]!.codePointAt(0)!;
        }
        if (hi < cp) badRegex('invalid character range');
        body += `${lit(cp)}-${lit(hi)}`;
        continue;
      }
      body += lit(cp);
    }
    const nl = this.o.nlStop ? '\\n' : '';
    if (nonWord) {
      const any = `(?:[${body}]|[^${CLASS_ESCAPES.w!}])`;
      return negate ? `(?:(?!${any})[^${nl}])` : any;
    }
    if (negate) return `[^${body}${nl}]`;
    return `[${body}]`;
  }
}

/** Translates a PostgreSQL ARE (with prefix directives and embedded options) into a RegExp source. */
function translateAre(pattern: string, flags: RegexOptions): { source: string; icase: boolean } {
  const o = { ...flags };
  let p = pattern;
  if (p.startsWith('***=')) {
    o.literal = true;
    p = p.slice(4);
  } else if (p.startsWith('***:')) p = p.slice(4);
  if (!o.literal) {
    const m = /^\(\?([a-z]*)\)/.exec(p);
    if (m) {
      for (const c of m[1]!) if (!applyRegexOption(o, c)) badRegex('invalid embedded option');
      p = p.slice(m[0].length);
    }
  }
  if (o.literal) return { source: Array.from(p, (c) => lit(c.codePointAt(0)!)).join(''), icase: o.icase };
  if (o.basic) {
    throw new DatabaseError(
      SqlState.featureNotSupported,
      'basic regular expressions (flag "b") are not supported',
    );
  }
  return { source: new AreTranslator(p, o).translate(), icase: o.icase };
}

/**
 * A PostgreSQL regular expression compiled to a global, Unicode JavaScript RegExp (cached).
 * Callers set `lastIndex` before every use.
 */
function compileRegex(pattern: string, flags: ParsedFlags, indices = false): RegExp {
  const cache = indices ? flags.compiledWithIndices : flags.compiled;
  let re = cache.get(pattern);
  if (re === undefined) {
    const { source, icase } = translateAre(pattern, flags.opts);
    try {
      re = new RegExp(source, (icase ? 'giu' : 'gu') + (indices ? 'd' : ''));
    } catch (e) {
      badRegex(e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e));
    }
    cache.set(pattern, re);
  }
  return re;
}

// ---------------------------------------------------------------------------------------------
// LIKE and SIMILAR TO

/** LIKE patterns with the default escape by pattern text, per case mode; others by escape and text. */
const likeCaseSensitive = new BoundedCache<RegExp>(256);
const likeCaseInsensitive = new BoundedCache<RegExp>(256);
const likeOtherEscape = new BoundedCache<RegExp>(64);

function escapeCodePoint(escape: string | undefined): number {
  if (escape === undefined) return 0x5c;
  if (escape === '') return -1;
  const cps = Array.from(escape);
  if (cps.length !== 1) {
    throw new DatabaseError(SqlState.invalidEscapeSequence, 'invalid escape string', {
      hint: 'Escape string must be empty or one character.',
    });
  }
  return cps[0]!.codePointAt(0)!;
}

/**
 * SQL LIKE / ILIKE as an anchored, non-global, cached RegExp (escape defaults to backslash, '' for none).
 * @example
 * likeToRegExp('a\\_%', false).test('a_bc'); // true
 */
export function likeToRegExp(pattern: string, caseInsensitive: boolean, escape?: string): RegExp {
  const cache =
    escape === undefined || escape === '\\'
      ? caseInsensitive
        ? likeCaseInsensitive
        : likeCaseSensitive
      : likeOtherEscape;
  const key =
    cache === likeOtherEscape ? (caseInsensitive ? 'i' : 'c') + escape + '\u0000' + pattern : pattern;
  let re = cache.get(key);
  if (re !== undefined) return re;
  const esc = escapeCodePoint(escape);
  let src = '^';
  let afterEscape = false;
  for (const ch of pattern) {
    const cp = ch.codePointAt(0)!;
    if (afterEscape) {
      src += lit(cp);
      afterEscape = false;
    } else if (cp === esc) afterEscape = true;
    else if (cp === 0x25) src += '[^]*';
    else if (cp === 0x5f) src += '[^]';
    else src += lit(cp);
  }
  if (afterEscape) {
    throw new DatabaseError(
      SqlState.invalidEscapeSequence,
      'LIKE pattern must not end with escape character',
    );
  }
  re = new RegExp(src + '$', caseInsensitive ? 'iu' : 'u');
  cache.set(key, re);
  return re;
}

/** PostgreSQL's similar_escape: a SIMILAR TO pattern as an ARE; text before a `#"` separator matches lazily. */
export function similarToAre(pattern: string, escape?: string | null): string {
  const esc = escape === null ? -1 : escapeCodePoint(escape);
  let out = '^(?:';
  let afterEscape = false;
  let inClass = false;
  let quotes = 0;
  for (const ch of pattern) {
    const cp = ch.codePointAt(0)!;
    if (afterEscape) {
      if (cp === 0x22 && !inClass) {
        if (quotes === 0) out += '){1,1}?(';
        else if (quotes === 1) out += '){1,1}(?:';
        else {
          throw new DatabaseError(
            INVALID_USE_OF_ESCAPE_CHARACTER,
            'SQL regular expression may not contain more than two escape-double-quote separators',
          );
        }
        quotes++;
      } else out += '\\' + ch;
      afterEscape = false;
    } else if (cp === esc) afterEscape = true;
    else if (inClass) {
      if (ch === '\\') out += '\\';
      out += ch;
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      out += ch;
      inClass = true;
    } else if (ch === '%') out += quotes === 0 && hasSeparator(pattern, esc) ? '.*?' : '.*';
    else if (ch === '_') out += '.';
    else if (ch === '(') out += '(?:';
    else if (ch === '\\' || ch === '.' || ch === '^' || ch === '$') out += '\\' + ch;
    else out += ch;
  }
  return out + ')$';
}

function hasSeparator(pattern: string, esc: number): boolean {
  return esc >= 0 && pattern.includes(String.fromCodePoint(esc) + '"');
}

const similarCache = new BoundedCache<RegExp>(128);

/**
 * SQL SIMILAR TO as an anchored, non-global, cached RegExp (escape defaults to backslash, '' for none).
 * @example similarToRegExp('a(b|c)%').test('abx'); // true
 */
export function similarToRegExp(pattern: string, escape?: string): RegExp {
  const key = (escape ?? '\\') + '\u0000' + pattern;
  let re = similarCache.get(key);
  if (re === undefined) {
    const g = compileRegex(similarToAre(pattern, escape), NO_FLAGS);
    re = new RegExp(g.source, g.flags.replace('g', ''));
    similarCache.set(key, re);
  }
  return re;
}

// ---------------------------------------------------------------------------------------------
// Matching helpers

interface Match {
  readonly start: number;
  readonly end: number;
  readonly m: RegExpExecArray;
}

/** Index after the character at i (code point aware). */
function nextChar(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? i + 2 : i + 1;
}

/** UTF-16 offset of the character with 0-based index n; past the end gives length + 1. */
function charOffset(s: string, n: number): number {
  let i = 0;
  let k = 0;
  for (; k < n && i < s.length; k++) i = nextChar(s, i);
  return k < n ? s.length + 1 : i;
}

/** 1-based character position of a UTF-16 offset. */
function charPos(s: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i = nextChar(s, i)) n++;
  return n + 1;
}

function execAt(re: RegExp, s: string, from: number): Match | null {
  re.lastIndex = from;
  const m = re.exec(s);
  if (m === null) return null;
  return { start: m.index, end: m.index + m[0].length, m };
}

/** setup_regexp_matches: successive matches from `start`, optionally skipping degenerate ones. */
function allMatches(
  re: RegExp,
  s: string,
  start: number,
  global: boolean,
  ignoreDegenerate: boolean,
): Match[] {
  const out: Match[] = [];
  let from = start;
  let prevEnd = 0;
  while (from <= s.length) {
    const hit = execAt(re, s, from);
    if (hit === null) break;
    if (!ignoreDegenerate || (hit.start < s.length && hit.end > prevEnd)) out.push(hit);
    prevEnd = hit.end;
    if (!global) break;
    from = hit.start === hit.end ? nextChar(s, hit.end) : hit.end;
  }
  return out;
}

function matchArray(m: RegExpExecArray): Value[] {
  if (m.length === 1) return [m[0]];
  const out: Value[] = new Array(m.length - 1);
  for (let i = 1; i < m.length; i++) out[i - 1] = m[i] ?? null;
  return out;
}

function text(v: Value | undefined): string {
  return v as string;
}

function regexMatch(args: Value[], fn: string): Value {
  const flags = args.length > 2 ? parseFlags(text(args[2])) : NO_FLAGS;
  if (fn === 'regexp_match') noGlobal(fn, flags, 'Use the regexp_matches function instead.');
  const s = text(args[0]);
  const hit = execAt(compileRegex(text(args[1]), flags), s, 0);
  return hit === null ? null : matchArray(hit.m);
}

type ReplPart = string | number;
const replCache = new BoundedCache<ReplPart[]>(128);

/** A replacement string split into literal text and group numbers (0 = whole match). */
function parseReplacement(r: string): ReplPart[] {
  let parts = replCache.get(r);
  if (parts !== undefined) return parts;
  parts = [];
  let lit = '';
  for (let i = 0; i < r.length; i++) {
    const c = r[i]!;
    if (c !== '\\' || i + 1 >= r.length) {
      lit += c;
      continue;
    }
    const n = r[i + 1]!;
    if (n >= '1' && n <= '9') {
      parts.push(lit, n.charCodeAt(0) - 48);
      lit = '';
      i++;
    } else if (n === '&') {
      parts.push(lit, 0);
      lit = '';
      i++;
    } else if (n === '\\') {
      lit += '\\';
      i++;
    } else lit += '\\';
  }
  parts.push(lit);
  replCache.set(r, parts);
  return parts;
}

/** replace_text_regexp: replaces the n-th match (0 = all) at or after character `start`. */
function regexReplace(s: string, re: RegExp, repl: string, start: number, n: number): string {
  const parts = parseReplacement(repl);
  let out = '';
  let pos = 0;
  let from = charOffset(s, start);
  let count = 0;
  while (from <= s.length) {
    const hit = execAt(re, s, from);
    if (hit === null) break;
    count++;
    if (n === 0 || count === n) {
      out += s.slice(pos, hit.start);
      for (const p of parts) {
        if (typeof p === 'string') out += p;
        else out += hit.m[p] ?? '';
      }
      pos = hit.end;
      if (n !== 0) break;
    }
    from = hit.start === hit.end ? nextChar(s, hit.end) : hit.end;
  }
  return pos === 0 && count === 0 ? s : out + s.slice(pos);
}

function badParam(name: string, v: number): never {
  throw new DatabaseError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": ${v}`);
}

const REPLACE_HINT =
  'If you meant to use regexp_replace() with a start parameter, cast the fourth argument to integer explicitly.';

function replaceImpl(args: Value[]): Value {
  const s = text(args[0]);
  let start = 1;
  let n: number | undefined;
  let flagText = '';
  if (args.length === 4 && typeof args[3] === 'string') flagText = args[3];
  else if (args.length >= 4) {
    start = args[3] as number;
    if (start <= 0) badParam('start', start);
    if (args.length >= 5) {
      n = args[4] as number;
      if (n < 0) badParam('n', n);
    }
    if (args.length >= 6) flagText = text(args[5]);
  }
  const flags = parseFlags(flagText, false, args.length === 4 ? REPLACE_HINT : undefined);
  return regexReplace(
    s,
    compileRegex(text(args[1]), flags),
    text(args[2]),
    start - 1,
    n ?? (flags.global ? 0 : 1),
  );
}

function splitToArray(args: Value[]): string[] {
  const flags = args.length > 2 ? parseFlags(text(args[2])) : NO_FLAGS;
  noGlobal('regexp_split_to_array', flags);
  const s = text(args[0]);
  const out: string[] = [];
  let pos = 0;
  for (const hit of allMatches(compileRegex(text(args[1]), flags), s, 0, true, true)) {
    out.push(s.slice(pos, hit.start));
    pos = hit.end;
  }
  out.push(s.slice(pos));
  return out;
}

/** regexp_count / regexp_instr / regexp_substr share (string, pattern, start, N, ..., flags). */
function startOffset(s: string, start: number): number {
  if (start <= 0) badParam('start', start);
  return charOffset(s, start - 1);
}

function regexCount(args: Value[]): Value {
  const s = text(args[0]);
  const start = args.length > 2 ? (args[2] as number) : 1;
  const from = startOffset(s, start);
  const flags = args.length > 3 ? parseFlags(text(args[3])) : NO_FLAGS;
  noGlobal('regexp_count', flags);
  if (from > s.length) return 0;
  return allMatches(compileRegex(text(args[1]), flags), s, from, true, false).length;
}

function nthMatch(
  args: Value[],
  fn: string,
  flagIndex: number,
  indices = false,
): { s: string; hit: Match | null } {
  const s = text(args[0]);
  const from = startOffset(s, args.length > 2 ? (args[2] as number) : 1);
  const n = args.length > 3 ? (args[3] as number) : 1;
  if (n <= 0) badParam('n', n);
  const flags = args.length > flagIndex ? parseFlags(text(args[flagIndex])) : NO_FLAGS;
  noGlobal(fn, flags);
  if (from > s.length) return { s, hit: null };
  const matches = allMatches(compileRegex(text(args[1]), flags, indices), s, from, true, false);
  return { s, hit: matches[n - 1] ?? null };
}

/** Offsets of the whole match or of a group (the regex was compiled with 'd' for groups). */
function subexprSpan(hit: Match, sub: number): readonly [number, number] | null {
  if (sub === 0) return [hit.start, hit.end];
  return hit.m.indices?.[sub] ?? null;
}

function regexSubstr(args: Value[]): Value {
  const { hit } = nthMatch(args, 'regexp_substr', 4);
  const sub = args.length > 5 ? (args[5] as number) : 0;
  if (sub < 0) badParam('subexpr', sub);
  if (hit === null || sub >= hit.m.length) return null;
  return hit.m[sub] ?? null;
}

function regexInstr(args: Value[]): Value {
  const endOption = args.length > 4 ? (args[4] as number) : 0;
  if (endOption !== 0 && endOption !== 1) badParam('endoption', endOption);
  const sub = args.length > 6 ? (args[6] as number) : 0;
  const { s, hit } = nthMatch(args, 'regexp_instr', 5, sub > 0);
  if (sub < 0) badParam('subexpr', sub);
  if (hit === null || sub >= hit.m.length) return 0;
  const span = subexprSpan(hit, sub);
  if (span === null) return 0;
  return charPos(s, endOption === 1 ? span[1] : span[0]);
}

function regexTest(s: string, pattern: string, flags: ParsedFlags): boolean {
  const re = compileRegex(pattern, flags);
  re.lastIndex = 0;
  return re.test(s);
}

/** substring(text FROM pattern): the first parenthesised group's match, else the whole match. */
function regexSubstring(s: string, re: RegExp): Value {
  const hit = execAt(re, s, 0);
  if (hit === null) return null;
  return hit.m.length > 1 ? (hit.m[1] ?? null) : hit.m[0];
}

// ---------------------------------------------------------------------------------------------
// Catalog entries.

function fn(
  name: string,
  args: SqlType[],
  ret: SqlType,
  impl: ScalarFunction['impl'],
  extra?: Partial<ScalarFunction>,
): ScalarFunction {
  return { name, args, ret, impl, ...extra };
}

const tt = [T.text, T.text];
const ttt = [T.text, T.text, T.text];

/**
 * The `~` and `~~` operator families, regexp_* functions and regex substring(), with PostgreSQL's flags.
 * @example
 * regexFunctions.find((f) => f.name === 'regexp_replace' && f.args.length === 4)!
 *   .impl(['abcb', 'b', 'X', 'g'], ctx, []); // 'aXcX'
 */
export const regexFunctions: ScalarFunction[] = [
  fn('~', tt, T.bool, (a) => regexTest(text(a[0]), text(a[1]), NO_FLAGS)),
  fn('~*', tt, T.bool, (a) => regexTest(text(a[0]), text(a[1]), ICASE_FLAGS)),
  fn('!~', tt, T.bool, (a) => !regexTest(text(a[0]), text(a[1]), NO_FLAGS)),
  fn('!~*', tt, T.bool, (a) => !regexTest(text(a[0]), text(a[1]), ICASE_FLAGS)),
  fn('~~', tt, T.bool, (a) => likeToRegExp(text(a[1]), false).test(text(a[0]))),
  fn('~~*', tt, T.bool, (a) => likeToRegExp(text(a[1]), true).test(text(a[0]))),
  fn('!~~', tt, T.bool, (a) => !likeToRegExp(text(a[1]), false).test(text(a[0]))),
  fn('!~~*', tt, T.bool, (a) => !likeToRegExp(text(a[1]), true).test(text(a[0]))),

  fn('regexp_match', tt, TEXT_ARRAY, (a) => regexMatch(a, 'regexp_match')),
  fn('regexp_match', ttt, TEXT_ARRAY, (a) => regexMatch(a, 'regexp_match')),
  // regexp_matches is set-returning in PostgreSQL; until it is a table function it returns the
  // first match's array (NULL for none), even with the 'g' flag.
  fn('regexp_matches', tt, TEXT_ARRAY, (a) => regexMatch(a, 'regexp_matches')),
  fn('regexp_matches', ttt, TEXT_ARRAY, (a) => regexMatch(a, 'regexp_matches')),
  fn('regexp_replace', ttt, T.text, replaceImpl),
  fn('regexp_replace', [T.text, T.text, T.text, T.text], T.text, replaceImpl),
  fn('regexp_replace', [T.text, T.text, T.text, T.int4], T.text, replaceImpl),
  fn('regexp_replace', [T.text, T.text, T.text, T.int4, T.int4], T.text, replaceImpl),
  fn('regexp_replace', [T.text, T.text, T.text, T.int4, T.int4, T.text], T.text, replaceImpl),
  fn('regexp_split_to_array', tt, TEXT_ARRAY, splitToArray),
  fn('regexp_split_to_array', ttt, TEXT_ARRAY, splitToArray),
  fn('regexp_count', tt, T.int4, regexCount),
  fn('regexp_count', [T.text, T.text, T.int4], T.int4, regexCount),
  fn('regexp_count', [T.text, T.text, T.int4, T.text], T.int4, regexCount),
  fn('regexp_like', tt, T.bool, (a) => regexTest(text(a[0]), text(a[1]), NO_FLAGS)),
  fn('regexp_like', ttt, T.bool, (a) => {
    const flags = parseFlags(text(a[2]));
    noGlobal('regexp_like', flags);
    return regexTest(text(a[0]), text(a[1]), flags);
  }),
  fn('regexp_substr', tt, T.text, regexSubstr),
  fn('regexp_substr', [T.text, T.text, T.int4], T.text, regexSubstr),
  fn('regexp_substr', [T.text, T.text, T.int4, T.int4], T.text, regexSubstr),
  fn('regexp_substr', [T.text, T.text, T.int4, T.int4, T.text], T.text, regexSubstr),
  fn('regexp_substr', [T.text, T.text, T.int4, T.int4, T.text, T.int4], T.text, regexSubstr),
  fn('regexp_instr', tt, T.int4, regexInstr),
  fn('regexp_instr', [T.text, T.text, T.int4], T.int4, regexInstr),
  fn('regexp_instr', [T.text, T.text, T.int4, T.int4], T.int4, regexInstr),
  fn('regexp_instr', [T.text, T.text, T.int4, T.int4, T.int4], T.int4, regexInstr),
  fn('regexp_instr', [T.text, T.text, T.int4, T.int4, T.int4, T.text], T.int4, regexInstr),
  fn('regexp_instr', [T.text, T.text, T.int4, T.int4, T.int4, T.text, T.int4], T.int4, regexInstr),
  fn('substring', tt, T.text, (a) => regexSubstring(text(a[0]), compileRegex(text(a[1]), NO_FLAGS))),
  fn('substring', ttt, T.text, (a) =>
    regexSubstring(text(a[0]), compileRegex(similarToAre(text(a[1]), text(a[2])), NO_FLAGS)),
  ),
  fn('similar_escape', tt, T.text, (a) => similarToAre(text(a[0]), a[1] === null ? null : text(a[1])), {
    strict: false,
  }),
];

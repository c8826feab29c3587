import { DatabaseError, SqlState } from '../../errors.js';
import { civilFromDays, formatOffset, timeZone } from '../../types/datetime.js';
import { Decimal } from '../../types/decimal.js';
import { quoteJsonString } from '../../types/text-io.js';
import { arrayOf, T } from '../../types/types.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { FunctionContext, ScalarFunction } from './registry.js';
import { outputText } from './string-functions.js';

const UNTRANSLATABLE_CHARACTER = SqlState.untranslatableCharacter;
const TEXT_ARRAY = arrayOf(T.text);

// ---------------------------------------------------------------------------------------------
// Parsed JSON. Every node remembers its span in the source text, so `->` on a json value returns
// the original text and on a jsonb value (whose text is normalised) a normalised slice.

interface Span {
  readonly start: number;
  readonly end: number;
}
/** A JSON object; `keys` may repeat (json keeps duplicates, the last one wins on lookup). */
export interface JsonObject extends Span {
  readonly kind: 'object';
  readonly keys: string[];
  readonly values: JsonNode[];
  /** Keys are unique and in jsonb order (so jsonb output needs no sort). */
  sorted: boolean;
  /** Last index of each key, built on first lookup in larger objects. */
  index?: Map<string, number>;
}
/** A JSON array. */
export interface JsonArray extends Span {
  readonly kind: 'array';
  readonly items: JsonNode[];
}
/** A JSON string, decoded. */
export interface JsonString extends Span {
  readonly kind: 'string';
  readonly value: string;
  /**
   * Set when an escape cannot be decoded (\u0000, a lone surrogate): json accepts such text, but
   * reading the string's value or converting to jsonb raises this error.
   */
  readonly bad?: DatabaseError;
}
/** A JSON number, as written. */
export interface JsonNumber extends Span {
  readonly kind: 'number';
  /** The number as written, e.g. `1.50` or `1e2`. */
  readonly text: string;
}
/** true or false. */
export interface JsonBoolean extends Span {
  readonly kind: 'boolean';
  readonly value: boolean;
}
/** JSON null. */
export interface JsonNull extends Span {
  readonly kind: 'null';
}
/** A parsed JSON value. */
export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBoolean | JsonNull;

function badJson(detail: string): never {
  throw new DatabaseError(SqlState.invalidJsonText, 'invalid input syntax for type json', { detail });
}

const NO_SPAN = -1;

function isDelimiter(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    c === 0x2c ||
    c === 0x3a ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x7b ||
    c === 0x7d ||
    c === 0x22 ||
    Number.isNaN(c)
  );
}

/** Recursive-descent JSON parser with PostgreSQL's error details; numbers keep their text. */
class JsonParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): JsonNode {
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) this.expected('end of input');
    return v;
  }

  private fail(detail: string): never {
    badJson(detail);
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.i++;
    }
  }

  /** The token at the cursor, for error details. */
  private token(): string {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 0x22) {
      let j = this.i + 1;
      while (j < s.length && s.charCodeAt(j) !== 0x22) j += s.charCodeAt(j) === 0x5c ? 2 : 1;
      return s.slice(this.i, j + 1);
    }
    if (isDelimiter(c) && c !== 0x20) return s[this.i]!;
    let j = this.i;
    while (j < s.length && !isDelimiter(s.charCodeAt(j))) j++;
    return s.slice(this.i, Math.max(j, this.i + 1));
  }

  /** "Expected …, but found …", or PostgreSQL's lexer error when the next token is not valid JSON. */
  private expected(what: string): never {
    const t = this.token();
    const c = t.charCodeAt(0);
    const valid =
      c === 0x22 ||
      (t.length === 1 && isDelimiter(c)) ||
      t === 'true' ||
      t === 'false' ||
      t === 'null' ||
      /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(t);
    this.fail(valid ? `Expected ${what}, but found "${t}".` : `Token "${t}" is invalid.`);
  }

  private end(): never {
    this.fail('The input string ended unexpectedly.');
  }

  private value(): JsonNode {
    this.ws();
    const s = this.s;
    if (this.i >= s.length) this.end();
    const start = this.i;
    const c = s.charCodeAt(this.i);
    switch (c) {
      case 0x7b:
        return this.object();
      case 0x5b:
        return this.array();
      case 0x22:
        return this.string();
      default: {
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        const t = this.token();
        if (t === 'true' || t === 'false' || t === 'null') {
          this.i += t.length;
          if (t === 'null') return { kind: 'null', start, end: this.i };
          return { kind: 'boolean', value: t === 'true', start, end: this.i };
        }
        if (t.length === 1 && isDelimiter(c)) this.fail(`Expected JSON value, but found "${t}".`);
        return this.fail(`Token "${t}" is invalid.`);
      }
    }
  }

  private number(): JsonNumber {
    const s = this.s;
    const start = this.i;
    let j = this.i;
    if (s.charCodeAt(j) === 0x2d) j++;
    const digits = (): number => {
      const from = j;
      while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) j++;
      return j - from;
    };
    const intStart = j;
    let ok = digits() > 0 && !(s.charCodeAt(intStart) === 0x30 && j - intStart > 1);
    if (ok && s.charCodeAt(j) === 0x2e) {
      j++;
      ok = digits() > 0;
    }
    if (ok && (s.charCodeAt(j) | 32) === 0x65) {
      j++;
      if (s.charCodeAt(j) === 0x2b || s.charCodeAt(j) === 0x2d) j++;
      ok = digits() > 0;
    }
    if (!ok || (j < s.length && !isDelimiter(s.charCodeAt(j)))) {
      this.i = start;
      this.fail(`Token "${this.token()}" is invalid.`);
    }
    this.i = j;
    return { kind: 'number', text: s.slice(start, j), start, end: j };
  }

  private string(): JsonString {
    const s = this.s;
    const start = this.i++;
    let out = '';
    let from = this.i;
    let bad: DatabaseError | undefined;
    for (;;) {
      if (this.i >= s.length) this.end();
      const c = s.charCodeAt(this.i);
      if (c === 0x22) break;
      if (c < 0x20) this.fail(`Character with value 0x${c.toString(16).padStart(2, '0')} must be escaped.`);
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(from, this.i);
      this.i++;
      if (this.i >= s.length) this.end();
      const e = s[this.i++]!;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const cu = this.hex4();
          if (cu >= 0xd800 && cu <= 0xdbff) {
            if (s[this.i] === '\\' && s[this.i + 1] === 'u') {
              this.i += 2;
              const lo = this.hex4();
              if (lo >= 0xdc00 && lo <= 0xdfff) out += String.fromCharCode(cu, lo);
              else {
                bad ??= surrogateError(
                  lo >= 0xd800 && lo <= 0xdbff
                    ? 'Unicode high surrogate must not follow a high surrogate.'
                    : 'Unicode low surrogate must follow a high surrogate.',
                );
              }
            } else bad ??= surrogateError('Unicode low surrogate must follow a high surrogate.');
          } else if (cu >= 0xdc00 && cu <= 0xdfff) {
            bad ??= surrogateError('Unicode low surrogate must follow a high surrogate.');
          } else {
            if (cu === 0) bad ??= nulError();
            out += String.fromCharCode(cu);
          }
          break;
        }
        default:
          this.fail(`Escape sequence "\\${e}" is invalid.`);
      }
      from = this.i;
    }
    out += s.slice(from, this.i);
    this.i++;
    return bad !== undefined
      ? { kind: 'string', value: out, bad, start, end: this.i }
      : { kind: 'string', value: out, start, end: this.i };
  }

  private hex4(): number {
    const h = this.s.slice(this.i, this.i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('"\\u" must be followed by four hexadecimal digits.');
    this.i += 4;
    return parseInt(h, 16);
  }

  private object(): JsonObject {
    const s = this.s;
    const start = this.i++;
    const keys: string[] = [];
    const values: JsonNode[] = [];
    let sorted = true;
    this.ws();
    if (s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return { kind: 'object', keys, values, sorted, start, end: this.i };
    }
    for (;;) {
      this.ws();
      if (this.i >= s.length) this.end();
      if (s.charCodeAt(this.i) !== 0x22) this.expected(keys.length === 0 ? 'string or "}"' : 'string');
      const key = this.string();
      if (key.bad !== undefined) throw key.bad;
      this.ws();
      if (this.i >= s.length) this.end();
      if (s.charCodeAt(this.i) !== 0x3a) this.expected('":"');
      this.i++;
      const v = this.value();
      if (keys.length > 0 && compareKeys(keys[keys.length - 1]!, key.value) >= 0) sorted = false;
      keys.push(key.value);
      values.push(v);
      this.ws();
      if (this.i >= s.length) this.end();
      const c = s.charCodeAt(this.i++);
      if (c === 0x7d) break;
      if (c !== 0x2c) {
        this.i--;
        this.expected('"," or "}"');
      }
    }
    return { kind: 'object', keys, values, sorted, start, end: this.i };
  }

  private array(): JsonArray {
    const s = this.s;
    const start = this.i++;
    const items: JsonNode[] = [];
    this.ws();
    if (s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return { kind: 'array', items, start, end: this.i };
    }
    for (;;) {
      this.ws();
      if (s.charCodeAt(this.i) === 0x5d || s.charCodeAt(this.i) === 0x2c) {
        this.fail(`Expected JSON value, but found "${s[this.i]}".`);
      }
      items.push(this.value());
      this.ws();
      if (this.i >= s.length) this.end();
      const c = s.charCodeAt(this.i++);
      if (c === 0x5d) break;
      if (c !== 0x2c) {
        this.i--;
        this.expected('"," or "]"');
      }
    }
    return { kind: 'array', items, start, end: this.i };
  }
}

function nulError(): DatabaseError {
  return new DatabaseError(UNTRANSLATABLE_CHARACTER, 'unsupported Unicode escape sequence', {
    detail: '\\u0000 cannot be converted to text.',
  });
}

function surrogateError(detail: string): DatabaseError {
  return new DatabaseError(SqlState.invalidJsonText, 'invalid input syntax for type json', { detail });
}

/** Parsed documents by text: `doc->'a'`, `doc->'b'` on one row parse the text once. */
const parseCache = new Map<string, JsonNode>();
const PARSE_CACHE_LIMIT = 64;

/** Parses JSON text into a cached, shared (so never mutated) JsonNode tree; errors are PostgreSQL's 22P02. */
export function parseJson(text: string): JsonNode {
  let node = parseCache.get(text);
  if (node === undefined) {
    node = new JsonParser(text).parse();
    if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.delete(parseCache.keys().next().value!);
    parseCache.set(text, node);
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// Output

function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/** jsonb key order: shorter (in UTF-8 bytes) first, then bytewise (= code point order). */
function compareKeys(a: string, b: string): number {
  if (a.length === b.length && a === b) return 0;
  const la = utf8Length(a);
  const lb = utf8Length(b);
  if (la !== lb) return la - lb;
  for (let i = 0; i < a.length && i < b.length;) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return 0;
}

const PLAIN_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const NONZERO = /[1-9]/;

/** A JSON number as jsonb prints it: numeric's canonical text (`1e2` → `100`, `-0` → `0`). */
function jsonbNumber(text: string): string {
  if (PLAIN_NUMBER.test(text) && (text.charCodeAt(0) !== 0x2d || NONZERO.test(text))) return text;
  return Decimal.parse(text).toString();
}

/** Unique keys in jsonb order (last duplicate wins), as indexes into `keys`. */
function jsonbKeyOrder(keys: readonly string[]): number[] {
  const idx = keys.map((_, i) => i);
  idx.sort((x, y) => compareKeys(keys[x]!, keys[y]!) || y - x);
  const out: number[] = [];
  for (const i of idx) if (out.length === 0 || keys[out[out.length - 1]!] !== keys[i]) out.push(i);
  return out;
}

function stringText(n: JsonString): string {
  if (n.bad !== undefined) throw n.bad;
  return quoteJsonString(n.value);
}

/** A node as jsonb text: `{"a": 1, "b": [1, 2]}`. */
function jsonbText(n: JsonNode): string {
  switch (n.kind) {
    case 'object': {
      if (n.keys.length === 0) return '{}';
      let out = '{';
      const order = n.sorted ? null : jsonbKeyOrder(n.keys);
      const count = order === null ? n.keys.length : order.length;
      for (let k = 0; k < count; k++) {
        const i = order === null ? k : order[k]!;
        if (k > 0) out += ', ';
        out += quoteJsonString(n.keys[i]!) + ': ' + jsonbText(n.values[i]!);
      }
      return out + '}';
    }
    case 'array':
      return '[' + n.items.map(jsonbText).join(', ') + ']';
    case 'string':
      return stringText(n);
    case 'number':
      return jsonbNumber(n.text);
    case 'boolean':
      return n.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}

/** A node as compact json text (json_strip_nulls, to_json style): `{"a":1,"b":[1,2]}`. */
function compactText(n: JsonNode): string {
  switch (n.kind) {
    case 'object':
      return '{' + n.keys.map((k, i) => quoteJsonString(k) + ':' + compactText(n.values[i]!)).join(',') + '}';
    case 'array':
      return '[' + n.items.map(compactText).join(',') + ']';
    case 'string':
      return stringText(n);
    case 'number':
      return n.text;
    case 'boolean':
      return n.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}

function prettyText(n: JsonNode, indent: string): string {
  const inner = indent + '    ';
  switch (n.kind) {
    case 'object': {
      const order = n.sorted ? n.keys.map((_, i) => i) : jsonbKeyOrder(n.keys);
      if (order.length === 0) return '{\n' + indent + '}';
      const parts = order.map(
        (i) => inner + quoteJsonString(n.keys[i]!) + ': ' + prettyText(n.values[i]!, inner),
      );
      return '{\n' + parts.join(',\n') + '\n' + indent + '}';
    }
    case 'array':
      if (n.items.length === 0) return '[\n' + indent + ']';
      return '[\n' + n.items.map((x) => inner + prettyText(x, inner)).join(',\n') + '\n' + indent + ']';
    default:
      return jsonbText(n);
  }
}

/** Wraps JS data (not JSON text) as nodes: strings are JSON strings, numbers keep their text. */
function fromJs(v: unknown): JsonNode {
  const span = { start: NO_SPAN, end: NO_SPAN };
  if (v === null || v === undefined) return { kind: 'null', ...span };
  if (typeof v === 'object' && 'kind' in v && 'start' in v) return v as JsonNode;
  switch (typeof v) {
    case 'boolean':
      return { kind: 'boolean', value: v, ...span };
    case 'number':
      if (!Number.isFinite(v)) return { kind: 'string', value: String(v), ...span };
      return { kind: 'number', text: String(v), ...span };
    case 'bigint':
      return { kind: 'number', text: v.toString(), ...span };
    case 'string':
      return { kind: 'string', value: v, ...span };
    default:
      break;
  }
  if (v instanceof Decimal) {
    return v.nan
      ? { kind: 'string', value: 'NaN', ...span }
      : { kind: 'number', text: v.toString(), ...span };
  }
  if (Array.isArray(v)) return { kind: 'array', items: v.map(fromJs), ...span };
  const entries = v instanceof Map ? [...(v as Map<unknown, unknown>)] : Object.entries(v as object);
  return {
    kind: 'object',
    keys: entries.map(([k]) => String(k)),
    values: entries.map(([, x]) => fromJs(x)),
    sorted: false,
    ...span,
  };
}

/**
 * PostgreSQL's jsonb output for JSON text (a string) or for a JsonNode / JS data (where strings are values).
 * @example
 * normalizeJsonb('{"b": 1.50, "aa": 2, "a": 3, "a": 4}'); // '{"a": 4, "b": 1.50, "aa": 2}'
 */
export function normalizeJsonb(value: unknown): string {
  return jsonbText(typeof value === 'string' ? parseJson(value) : fromJs(value));
}

/**
 * json output: JSON text (a string) is validated and kept as written; a JsonNode or JS data is written compactly.
 * @example
 * formatJson({ a: [1, 'x'] }); // '{"a":[1,"x"]}'
 */
export function formatJson(value: unknown): string {
  if (typeof value === 'string') {
    parseJson(value);
    return value;
  }
  return compactText(fromJs(value));
}

// ---------------------------------------------------------------------------------------------
// SQL values → JSON (to_json, json_build_*), with PostgreSQL's datum_to_json conventions.

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** ISO 8601 (XSD) timestamp text: `2024-01-05T13:04:05.5`, with `+05:30` for timestamptz. */
function xsdTimestamp(us: number, zoneName: string | undefined): string {
  if (!Number.isFinite(us)) return us > 0 ? 'infinity' : '-infinity';
  const offset = zoneName === undefined ? 0 : timeZone(zoneName).offsetAt(us);
  const local = us + offset * 1_000_000;
  const days = Math.floor(local / 86_400_000_000);
  const d = civilFromDays(days);
  const bc = d.year <= 0;
  const year = String(bc ? 1 - d.year : d.year).padStart(4, '0');
  let out = `${year}-${pad2(d.month)}-${pad2(d.day)}T${timeOfDay(local - days * 86_400_000_000)}`;
  if (zoneName !== undefined) out += formatOffset(offset, true);
  return bc ? out + ' BC' : out;
}

function timeOfDay(us: number): string {
  const secs = Math.floor(us / 1_000_000);
  const frac = Math.round(us - secs * 1_000_000);
  const base = `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
  return frac === 0 ? base : base + '.' + String(frac).padStart(6, '0').replace(/0+$/, '');
}

/** A non-null SQL value as JSON text; `jsonb` gives normalised output (`[1, 2]`, numeric numbers). */
function datumToJson(v: Value, type: SqlType | undefined, ctx: FunctionContext, jsonb: boolean): string {
  if (v === null) return 'null';
  switch (type?.id) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return String(v);
    case 'float4':
    case 'float8': {
      const t = outputText(v, type, ctx);
      if (!Number.isFinite(v as number)) return quoteJsonString(t);
      return jsonb ? jsonbNumber(t) : t;
    }
    case 'numeric':
      return (v as Decimal).nan ? '"NaN"' : (v as Decimal).toString();
    case 'json':
      return jsonb ? normalizeJsonb(v as string) : (v as string);
    case 'jsonb':
      return v as string;
    case 'timestamp':
      return quoteJsonString(xsdTimestamp(v as number, undefined));
    case 'timestamptz':
      return quoteJsonString(xsdTimestamp(v as number, ctx.timezone));
    case 'array':
    case 'anyarray':
    case undefined:
      if (Array.isArray(v)) return arrayToJson(v, type?.elem, ctx, jsonb);
      break;
    case 'record':
      return recordToJson(v as Value[], ctx, jsonb);
    default:
      break;
  }
  if (type === undefined) return compactOrJsonb(fromJs(v), jsonb);
  return quoteJsonString(outputText(v, type, ctx));
}

function compactOrJsonb(n: JsonNode, jsonb: boolean): string {
  return jsonb ? jsonbText(n) : compactText(n);
}

function arrayToJson(
  a: readonly Value[],
  elem: SqlType | undefined,
  ctx: FunctionContext,
  jsonb: boolean,
): string {
  const parts = a.map((x) =>
    Array.isArray(x) && elem?.id !== 'record'
      ? arrayToJson(x, elem, ctx, jsonb)
      : datumToJson(x, elem, ctx, jsonb),
  );
  return '[' + parts.join(jsonb ? ', ' : ',') + ']';
}

function recordToJson(r: readonly Value[], ctx: FunctionContext, jsonb: boolean): string {
  const vals = r.map((x) => datumToJson(x, undefined, ctx, jsonb));
  if (!jsonb) return '{' + vals.map((x, i) => `"f${i + 1}":${x}`).join(',') + '}';
  return buildJsonbObject(
    vals.map((_, i) => `f${i + 1}`),
    vals,
  );
}

/** jsonb object text from keys and normalised value texts (last duplicate key wins). */
function buildJsonbObject(keys: readonly string[], vals: readonly string[]): string {
  if (keys.length === 0) return '{}';
  return (
    '{' +
    jsonbKeyOrder(keys)
      .map((i) => quoteJsonString(keys[i]!) + ': ' + vals[i]!)
      .join(', ') +
    '}'
  );
}

function isCompositeType(t: SqlType | undefined): boolean {
  return (
    t?.id === 'array' || t?.id === 'anyarray' || t?.id === 'record' || t?.id === 'json' || t?.id === 'jsonb'
  );
}

function buildObjectArgs(
  args: Value[],
  types: readonly SqlType[],
  ctx: FunctionContext,
  jsonb: boolean,
  name: string,
) {
  if (args.length % 2 !== 0) {
    throw new DatabaseError(
      SqlState.invalidParameterValue,
      'argument list must have even number of elements',
      {
        hint: `The arguments of ${name}() must consist of alternating keys and values.`,
      },
    );
  }
  const keys: string[] = [];
  const vals: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i]!;
    if (k === null) {
      throw new DatabaseError(SqlState.invalidParameterValue, `argument ${i + 1} cannot be null`, {
        hint: 'Object keys should be text.',
      });
    }
    if (isCompositeType(types[i]) || (types[i] === undefined && Array.isArray(k))) {
      throw new DatabaseError(
        SqlState.invalidParameterValue,
        'key value must be scalar, not array, composite, or json',
      );
    }
    const kt = datumToJson(k, types[i], ctx, false);
    keys.push(kt.startsWith('"') ? (parseJson(kt) as JsonString).value : kt);
    vals.push(datumToJson(args[i + 1]!, types[i + 1], ctx, jsonb));
  }
  return { keys, vals };
}

// ---------------------------------------------------------------------------------------------
// Navigation

function objectLookup(o: JsonObject, key: string): JsonNode | undefined {
  const keys = o.keys;
  if (keys.length > 16) {
    let index = o.index;
    if (index === undefined) {
      index = new Map();
      for (let i = 0; i < keys.length; i++) index.set(keys[i]!, i);
      o.index = index;
    }
    const i = index.get(key);
    return i === undefined ? undefined : o.values[i];
  }
  for (let i = keys.length - 1; i >= 0; i--) if (keys[i] === key) return o.values[i];
  return undefined;
}

function arrayElement(a: JsonArray, i: number): JsonNode | undefined {
  return a.items[i < 0 ? a.items.length + i : i];
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

function pathStep(n: JsonNode, step: string): JsonNode | undefined {
  if (n.kind === 'object') return objectLookup(n, step);
  if (n.kind === 'array' && INTEGER_TEXT.test(step)) return arrayElement(n, Number(step));
  return undefined;
}

function followPath(n: JsonNode, path: readonly Value[], from = 0): JsonNode | undefined {
  let cur: JsonNode | undefined = n;
  for (let i = from; i < path.length && cur !== undefined; i++) {
    const step = path[i];
    if (step === null || step === undefined) return undefined;
    cur = pathStep(cur, step as string);
  }
  return cur;
}

/** The text of a node found in `doc` (a slice: json keeps its text, jsonb text is normalised). */
function nodeText(doc: string, n: JsonNode): string {
  return n.start === NO_SPAN ? jsonbText(n) : doc.slice(n.start, n.end);
}

/** `->>` and `#>>`: strings unquoted, JSON null as SQL NULL, everything else its text. */
function nodeAsText(doc: string, n: JsonNode | undefined): Value {
  if (n === undefined || n.kind === 'null') return null;
  if (n.kind === 'string') {
    if (n.bad !== undefined) throw n.bad;
    return n.value;
  }
  return nodeText(doc, n);
}

function get(doc: string, key: Value): JsonNode | undefined {
  const root = parseJson(doc);
  if (typeof key === 'string') return root.kind === 'object' ? objectLookup(root, key) : undefined;
  return root.kind === 'array' ? arrayElement(root, key as number) : undefined;
}

// `doc->'key'` on a column sees each document once, so a text key is first looked up by scanning
// the top-level object without building a tree (the stored text is already valid JSON).

function skipWs(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

function skipString(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return s.length;
}

function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 0x22) return skipString(s, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s.charCodeAt(j);
      if (d === 0x22) j = skipString(s, j) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return j + 1;
    }
    return s.length;
  }
  let j = i;
  while (j < s.length && !isDelimiter(s.charCodeAt(j))) j++;
  return j;
}

function rawKeyEquals(s: string, start: number, end: number, key: string): boolean {
  const bs = s.indexOf('\\', start);
  if (bs < 0 || bs >= end) return end - start - 2 === key.length && s.startsWith(key, start + 1);
  return (new JsonParser(s.slice(start, end)).parse() as JsonString).value === key;
}

/** Span of the value under `key` in a top-level object (json: the last duplicate); null when absent. */
function scanField(doc: string, key: string, lastWins: boolean): Span | null {
  let i = skipWs(doc, 0);
  if (doc.charCodeAt(i) !== 0x7b) return null;
  i = skipWs(doc, i + 1);
  let found: Span | null = null;
  while (doc.charCodeAt(i) === 0x22) {
    const keyEnd = skipString(doc, i);
    const match = rawKeyEquals(doc, i, keyEnd, key);
    const start = skipWs(doc, skipWs(doc, keyEnd) + 1);
    const end = skipValue(doc, start);
    if (match) {
      found = { start, end };
      if (!lastWins) break;
    }
    i = skipWs(doc, end);
    if (doc.charCodeAt(i) !== 0x2c) break;
    i = skipWs(doc, i + 1);
  }
  return found;
}

/** `->` with a text key. */
function fieldJson(doc: string, key: string, jsonb: boolean): Value {
  if (parseCache.has(doc)) {
    const n = get(doc, key);
    return n === undefined ? null : nodeText(doc, n);
  }
  const span = scanField(doc, key, !jsonb);
  return span === null ? null : doc.slice(span.start, span.end);
}

/** `->>` with a text key. */
function fieldText(doc: string, key: string, jsonb: boolean): Value {
  if (parseCache.has(doc)) return nodeAsText(doc, get(doc, key));
  const span = scanField(doc, key, !jsonb);
  if (span === null) return null;
  const c = doc.charCodeAt(span.start);
  if (c === 0x22) {
    const bs = doc.indexOf('\\', span.start);
    if (bs < 0 || bs >= span.end) return doc.slice(span.start + 1, span.end - 1);
    return nodeAsText(doc, new JsonParser(doc.slice(span.start, span.end)).parse());
  }
  if (c === 0x6e) return null;
  return doc.slice(span.start, span.end);
}

// ---------------------------------------------------------------------------------------------
// jsonb operators

function scalarEquals(a: JsonNode, b: JsonNode): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'string':
      return a.value === (b as JsonString).value;
    case 'number': {
      const bt = (b as JsonNumber).text;
      return a.text === bt || Decimal.parse(a.text).eq(Decimal.parse(bt));
    }
    case 'boolean':
      return a.value === (b as JsonBoolean).value;
    case 'null':
      return true;
    default:
      return false;
  }
}

function isContainer(n: JsonNode): n is JsonObject | JsonArray {
  return n.kind === 'object' || n.kind === 'array';
}

/** JsonbDeepContains: does `a` contain `b`? */
function contains(a: JsonNode, b: JsonNode): boolean {
  if (b.kind === 'object') {
    if (a.kind !== 'object') return false;
    for (let i = 0; i < b.keys.length; i++) {
      const av = objectLookup(a, b.keys[i]!);
      const bv = b.values[i]!;
      if (av === undefined) return false;
      if (isContainer(bv)) {
        if (av.kind !== bv.kind || !contains(av, bv)) return false;
      } else if (!scalarEquals(av, bv)) return false;
    }
    return true;
  }
  if (b.kind === 'array') {
    if (a.kind !== 'array') return false;
    return b.items.every((e) =>
      isContainer(e)
        ? a.items.some((x) => x.kind === e.kind && contains(x, e))
        : a.items.some((x) => !isContainer(x) && scalarEquals(x, e)),
    );
  }
  return false;
}

/** Top-level `@>`: a scalar on the right is a one-element pseudo-array; a scalar holds only itself. */
function jsonbContains(left: string, right: string): boolean {
  const a = parseJson(left);
  const b = parseJson(right);
  if (!isContainer(b)) {
    if (a.kind === 'array') return a.items.some((x) => !isContainer(x) && scalarEquals(x, b));
    return !isContainer(a) && scalarEquals(a, b);
  }
  return contains(a, b);
}

function keyExists(doc: string, key: string): boolean {
  const n = parseJson(doc);
  if (n.kind === 'object') return objectLookup(n, key) !== undefined;
  if (n.kind === 'array') return n.items.some((x) => x.kind === 'string' && x.value === key);
  return n.kind === 'string' && n.value === key;
}

function asArrayItems(n: JsonNode): JsonNode[] {
  return n.kind === 'array' ? n.items : [n];
}

function jsonbConcat(left: string, right: string): string {
  const a = parseJson(left);
  const b = parseJson(right);
  if (a.kind === 'object' && b.kind === 'object') {
    return jsonbText({
      ...a,
      keys: [...a.keys, ...b.keys],
      values: [...a.values, ...b.values],
      sorted: false,
      index: undefined,
    });
  }
  return jsonbText({
    kind: 'array',
    items: [...asArrayItems(a), ...asArrayItems(b)],
    start: NO_SPAN,
    end: NO_SPAN,
  });
}

function cannotDeleteFromScalar(): never {
  throw new DatabaseError(SqlState.invalidParameterValue, 'cannot delete from scalar');
}

function deleteKeys(doc: string, keys: ReadonlySet<string>): string {
  const n = parseJson(doc);
  if (n.kind === 'object') {
    const idx = n.keys.map((_, i) => i).filter((i) => !keys.has(n.keys[i]!));
    if (idx.length === n.keys.length) return doc;
    return jsonbText({
      ...n,
      keys: idx.map((i) => n.keys[i]!),
      values: idx.map((i) => n.values[i]!),
      index: undefined,
    });
  }
  if (n.kind === 'array') {
    const items = n.items.filter((x) => !(x.kind === 'string' && keys.has(x.value)));
    return items.length === n.items.length ? doc : jsonbText({ ...n, items });
  }
  return cannotDeleteFromScalar();
}

function deleteIndex(doc: string, i: number): string {
  const n = parseJson(doc);
  if (n.kind === 'object') {
    throw new DatabaseError(SqlState.invalidParameterValue, 'cannot delete from object using integer index');
  }
  if (n.kind !== 'array') cannotDeleteFromScalar();
  const at = i < 0 ? n.items.length + i : i;
  if (at < 0 || at >= n.items.length) return doc;
  return jsonbText({ ...n, items: n.items.filter((_, k) => k !== at) });
}

function checkPath(path: readonly Value[]): string[] {
  return path.map((p, i) => {
    if (p === null) {
      throw new DatabaseError(SqlState.nullValueNotAllowed, `path element at position ${i + 1} is null`);
    }
    return p as string;
  });
}

function pathIndex(step: string, pos: number): number {
  if (!INTEGER_TEXT.test(step)) {
    throw new DatabaseError(
      SqlState.invalidTextRepresentation,
      `path element at position ${pos + 1} is not an integer: "${step}"`,
    );
  }
  return Number(step);
}

/** setPath: `replace` maps the node at the end of the path (undefined = missing) to its new value. */
function setPath(
  n: JsonNode,
  path: readonly string[],
  level: number,
  create: boolean,
  replace: (old: JsonNode | undefined) => JsonNode | undefined,
): JsonNode {
  const step = path[level]!;
  const last = level === path.length - 1;
  if (n.kind === 'object') {
    const i = n.keys.lastIndexOf(step);
    if (i < 0) {
      if (!last || !create) return n;
      const v = replace(undefined);
      return v === undefined
        ? n
        : { ...n, keys: [...n.keys, step], values: [...n.values, v], sorted: false, index: undefined };
    }
    const old = n.values[i]!;
    const v = last ? replace(old) : isContainer(old) ? setPath(old, path, level + 1, create, replace) : old;
    if (v === old) return n;
    if (v === undefined) {
      return {
        ...n,
        keys: n.keys.filter((_, k) => k !== i),
        values: n.values.filter((_, k) => k !== i),
        index: undefined,
      };
    }
    return { ...n, values: n.values.map((x, k) => (k === i ? v : x)), index: undefined };
  }
  if (n.kind === 'array') {
    let i = pathIndex(step, level);
    const len = n.items.length;
    if (i < 0) i += len;
    if (i < 0 || i >= len) {
      if (!last || !create) return n;
      const v = replace(undefined);
      if (v === undefined) return n;
      return { ...n, items: i < 0 ? [v, ...n.items] : [...n.items, v] };
    }
    const old = n.items[i]!;
    const v = last ? replace(old) : isContainer(old) ? setPath(old, path, level + 1, create, replace) : old;
    if (v === old) return n;
    if (v === undefined) return { ...n, items: n.items.filter((_, k) => k !== i) };
    return { ...n, items: n.items.map((x, k) => (k === i ? v : x)) };
  }
  return n;
}

function jsonbSet(doc: string, pathArg: Value[], value: string, create: boolean): string {
  const path = checkPath(pathArg);
  const root = parseJson(doc);
  if (!isContainer(root))
    throw new DatabaseError(SqlState.invalidParameterValue, 'cannot set path in scalar');
  if (path.length === 0) return doc;
  const v = parseJson(value);
  const out = setPath(root, path, 0, create, () => v);
  return out === root ? doc : jsonbText(out);
}

function jsonbDeletePath(doc: string, pathArg: Value[]): string {
  const path = checkPath(pathArg);
  const root = parseJson(doc);
  if (!isContainer(root))
    throw new DatabaseError(SqlState.invalidParameterValue, 'cannot delete path in scalar');
  if (path.length === 0) return doc;
  const out = setPath(root, path, 0, false, () => undefined);
  return out === root ? doc : jsonbText(out);
}

function stripNulls(n: JsonNode): JsonNode {
  if (n.kind === 'object') {
    const keep = n.values.map((_, i) => i).filter((i) => n.values[i]!.kind !== 'null');
    return {
      ...n,
      keys: keep.map((i) => n.keys[i]!),
      values: keep.map((i) => stripNulls(n.values[i]!)),
      index: undefined,
    };
  }
  if (n.kind === 'array') return { ...n, items: n.items.map(stripNulls) };
  return n;
}

function typeofNode(n: JsonNode): string {
  return n.kind;
}

function arrayLength(doc: string, jsonb: boolean): number {
  const n = parseJson(doc);
  if (n.kind === 'array') return n.items.length;
  throw new DatabaseError(
    SqlState.invalidParameterValue,
    jsonb && n.kind !== 'object'
      ? 'cannot get array length of a scalar'
      : 'cannot get array length of a non-array',
  );
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

const s = (v: Value | undefined): string => v as string;

/** `->`, `->>`, `#>`, `#>>` and the extract/typeof/length functions, for json and jsonb alike. */
function accessors(t: SqlType): ScalarFunction[] {
  const jsonb = t.id === 'jsonb';
  const prefix = jsonb ? 'jsonb' : 'json';
  const slice = (doc: string, n: JsonNode | undefined): Value => (n === undefined ? null : nodeText(doc, n));
  return [
    fn('->', [t, T.text], t, (a) => fieldJson(s(a[0]), s(a[1]), jsonb)),
    fn('->', [t, T.int4], t, (a) => slice(s(a[0]), get(s(a[0]), a[1]!))),
    fn('->>', [t, T.text], T.text, (a) => fieldText(s(a[0]), s(a[1]), jsonb)),
    fn('->>', [t, T.int4], T.text, (a) => nodeAsText(s(a[0]), get(s(a[0]), a[1]!))),
    fn('#>', [t, TEXT_ARRAY], t, (a) => slice(s(a[0]), followPath(parseJson(s(a[0])), a[1] as Value[]))),
    fn('#>>', [t, TEXT_ARRAY], T.text, (a) =>
      nodeAsText(s(a[0]), followPath(parseJson(s(a[0])), a[1] as Value[])),
    ),
    fn(`${prefix}_extract_path`, [t], t, (a) => slice(s(a[0]), followPath(parseJson(s(a[0])), a, 1)), {
      variadic: T.text,
    }),
    fn(
      `${prefix}_extract_path_text`,
      [t],
      T.text,
      (a) => nodeAsText(s(a[0]), followPath(parseJson(s(a[0])), a, 1)),
      {
        variadic: T.text,
      },
    ),
    fn(`${prefix}_typeof`, [t], T.text, (a) => typeofNode(parseJson(s(a[0])))),
    fn(`${prefix}_array_length`, [t], T.int4, (a) => arrayLength(s(a[0]), jsonb)),
  ];
}

/**
 * json and jsonb operators, constructors and functions; jsonb results are normalised jsonb text.
 * @example
 * jsonFunctions.find((f) => f.name === '->>' && f.args[1]!.id === 'text')!
 *   .impl(['{"a": "x"}', 'a'], ctx, []); // 'x'
 */
export const jsonFunctions: ScalarFunction[] = [
  ...accessors(T.json),
  ...accessors(T.jsonb),

  fn('@>', [T.jsonb, T.jsonb], T.bool, (a) => jsonbContains(s(a[0]), s(a[1]))),
  fn('<@', [T.jsonb, T.jsonb], T.bool, (a) => jsonbContains(s(a[1]), s(a[0]))),
  fn('?', [T.jsonb, T.text], T.bool, (a) => keyExists(s(a[0]), s(a[1]))),
  fn('?|', [T.jsonb, TEXT_ARRAY], T.bool, (a) =>
    (a[1] as Value[]).some((k) => k !== null && keyExists(s(a[0]), k as string)),
  ),
  fn('?&', [T.jsonb, TEXT_ARRAY], T.bool, (a) =>
    (a[1] as Value[]).every((k) => k === null || keyExists(s(a[0]), k as string)),
  ),
  fn('||', [T.jsonb, T.jsonb], T.jsonb, (a) => jsonbConcat(s(a[0]), s(a[1]))),
  fn('-', [T.jsonb, T.text], T.jsonb, (a) => deleteKeys(s(a[0]), new Set([s(a[1])]))),
  fn('-', [T.jsonb, TEXT_ARRAY], T.jsonb, (a) =>
    deleteKeys(s(a[0]), new Set((a[1] as Value[]).filter((k): k is string => k !== null))),
  ),
  fn('-', [T.jsonb, T.int4], T.jsonb, (a) => deleteIndex(s(a[0]), a[1] as number)),
  fn('#-', [T.jsonb, TEXT_ARRAY], T.jsonb, (a) => jsonbDeletePath(s(a[0]), a[1] as Value[])),

  fn('to_json', [T.anyelement], T.json, (a, ctx, t) => datumToJson(a[0]!, t[0], ctx, false)),
  fn('to_jsonb', [T.anyelement], T.jsonb, (a, ctx, t) => datumToJson(a[0]!, t[0], ctx, true)),
  fn(
    'json_build_object',
    [],
    T.json,
    (a, ctx, t) => {
      const { keys, vals } = buildObjectArgs(a, t, ctx, false, 'json_build_object');
      return '{' + keys.map((k, i) => quoteJsonString(k) + ' : ' + vals[i]!).join(', ') + '}';
    },
    { variadic: T.any, strict: false },
  ),
  fn(
    'jsonb_build_object',
    [],
    T.jsonb,
    (a, ctx, t) => {
      const { keys, vals } = buildObjectArgs(a, t, ctx, true, 'jsonb_build_object');
      return buildJsonbObject(keys, vals);
    },
    { variadic: T.any, strict: false },
  ),
  fn(
    'json_build_array',
    [],
    T.json,
    (a, ctx, t) => '[' + a.map((v, i) => datumToJson(v, t[i], ctx, false)).join(', ') + ']',
    { variadic: T.any, strict: false },
  ),
  fn(
    'jsonb_build_array',
    [],
    T.jsonb,
    (a, ctx, t) => '[' + a.map((v, i) => datumToJson(v, t[i], ctx, true)).join(', ') + ']',
    { variadic: T.any, strict: false },
  ),
  fn('jsonb_pretty', [T.jsonb], T.text, (a) => prettyText(parseJson(s(a[0])), '')),
  fn('jsonb_set', [T.jsonb, TEXT_ARRAY, T.jsonb], T.jsonb, (a) =>
    jsonbSet(s(a[0]), a[1] as Value[], s(a[2]), true),
  ),
  fn('jsonb_set', [T.jsonb, TEXT_ARRAY, T.jsonb, T.bool], T.jsonb, (a) =>
    jsonbSet(s(a[0]), a[1] as Value[], s(a[2]), a[3] as boolean),
  ),
  fn('jsonb_strip_nulls', [T.jsonb], T.jsonb, (a) => jsonbText(stripNulls(parseJson(s(a[0]))))),
  fn('json_strip_nulls', [T.json], T.json, (a) => compactText(stripNulls(parseJson(s(a[0]))))),
];

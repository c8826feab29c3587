import { DatabaseError, SqlState } from '../../errors.js';
import { isDigit } from './chars.js';
import { buildJsonbObject, isJsonWordChar, normalizeJsonNumber, quoteJsonString } from './json-text.js';
import { hexValue } from './uuid-bytea.js';

/** json_in / jsonb_in: a JSON parser with PostgreSQL's error details and jsonb normalisation. */

const enum Tok {
  End,
  ObjectStart,
  ObjectEnd,
  ArrayStart,
  ArrayEnd,
  Comma,
  Colon,
  String,
  Number,
  True,
  False,
  Null,
}

/**
 * A JSON lexer and recursive-descent parser with PostgreSQL's error details. With `normalize`
 * it builds jsonb's canonical text; otherwise it only validates.
 */
class JsonParser {
  private pos = 0;
  private tok: Tok = Tok.End;
  private tokStart = 0;
  /** Decoded value of the last string token (normalize mode only). */
  private str = '';
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly normalize: boolean,
  ) {}

  /** A method, not a field read, so TypeScript does not narrow the token across next(). */
  private is(t: Tok): boolean {
    return this.tok === t;
  }

  parse(): string {
    this.next();
    const out = this.value();
    if (!this.is(Tok.End)) throw this.expected('end of input');
    return out;
  }

  private fail(detail: string): DatabaseError {
    return new DatabaseError(SqlState.invalidTextRepresentation, 'invalid input syntax for type json', {
      detail,
    });
  }

  private tokenText(): string {
    return this.text.slice(this.tokStart, this.pos);
  }

  private expected(what: string): DatabaseError {
    if (this.is(Tok.End)) return this.fail('The input string ended unexpectedly.');
    return this.fail(`Expected ${what}, but found "${this.tokenText()}".`);
  }

  private value(): string {
    switch (this.tok) {
      case Tok.ObjectStart:
        return this.object();
      case Tok.ArrayStart:
        return this.array();
      case Tok.String: {
        const s = this.normalize ? quoteJsonString(this.str) : '';
        this.next();
        return s;
      }
      case Tok.Number: {
        const s = this.normalize ? normalizeJsonNumber(this.tokenText()) : '';
        this.next();
        return s;
      }
      case Tok.True:
        this.next();
        return 'true';
      case Tok.False:
        this.next();
        return 'false';
      case Tok.Null:
        this.next();
        return 'null';
      default:
        throw this.expected('JSON value');
    }
  }

  private object(): string {
    if (++this.depth > 6400)
      throw new DatabaseError(SqlState.programLimitExceeded, 'stack depth limit exceeded');
    this.next();
    const keys: string[] = [];
    const vals: string[] = [];
    if (this.is(Tok.ObjectEnd)) {
      this.next();
      this.depth--;
      return '{}';
    }
    for (;;) {
      if (!this.is(Tok.String)) throw this.expected(keys.length === 0 ? 'string or "}"' : 'string');
      const key = this.str;
      this.next();
      if (!this.is(Tok.Colon)) throw this.expected('":"');
      this.next();
      const v = this.value();
      if (this.normalize) {
        keys.push(key);
        vals.push(v);
      } else if (keys.length === 0) keys.push(key);
      if (this.is(Tok.Comma)) {
        this.next();
        continue;
      }
      if (this.is(Tok.ObjectEnd)) break;
      throw this.expected('"," or "}"');
    }
    this.next();
    this.depth--;
    return this.normalize ? buildJsonbObject(keys, vals) : '';
  }

  private array(): string {
    if (++this.depth > 6400)
      throw new DatabaseError(SqlState.programLimitExceeded, 'stack depth limit exceeded');
    this.next();
    if (this.is(Tok.ArrayEnd)) {
      this.next();
      this.depth--;
      return '[]';
    }
    let out = '[';
    let first = true;
    for (;;) {
      if (this.is(Tok.ArrayEnd) || this.is(Tok.Comma) || this.is(Tok.Colon) || this.is(Tok.ObjectEnd)) {
        throw this.expected(first ? 'array element or "]"' : 'JSON value');
      }
      const v = this.value();
      if (this.normalize) out += (first ? '' : ', ') + v;
      first = false;
      if (this.is(Tok.Comma)) {
        this.next();
        continue;
      }
      if (this.is(Tok.ArrayEnd)) break;
      throw this.expected('"," or "]"');
    }
    this.next();
    this.depth--;
    return out + ']';
  }

  private next(): void {
    const t = this.text;
    let i = this.pos;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
    this.tokStart = i;
    if (i >= t.length) {
      this.pos = i;
      this.tok = Tok.End;
      return;
    }
    const c = t.charCodeAt(i);
    switch (c) {
      case 123:
        this.single(i, Tok.ObjectStart);
        return;
      case 125:
        this.single(i, Tok.ObjectEnd);
        return;
      case 91:
        this.single(i, Tok.ArrayStart);
        return;
      case 93:
        this.single(i, Tok.ArrayEnd);
        return;
      case 44:
        this.single(i, Tok.Comma);
        return;
      case 58:
        this.single(i, Tok.Colon);
        return;
      case 34:
        this.lexString(i);
        return;
      default:
        break;
    }
    if (c === 45 || isDigit(c)) {
      this.lexNumber(i);
      return;
    }
    let j = i + 1;
    while (j < t.length && isJsonWordChar(t.charCodeAt(j))) j++;
    this.pos = j;
    const word = t.slice(i, j);
    if (word === 'true') this.tok = Tok.True;
    else if (word === 'false') this.tok = Tok.False;
    else if (word === 'null') this.tok = Tok.Null;
    else throw this.fail(`Token "${word}" is invalid.`);
  }

  private single(i: number, tok: Tok): void {
    this.pos = i + 1;
    this.tok = tok;
  }

  private lexNumber(start: number): void {
    const t = this.text;
    let i = start;
    let ok = true;
    if (t.charCodeAt(i) === 45) i++;
    if (t.charCodeAt(i) === 48) i++;
    else if (isDigit(t.charCodeAt(i))) while (isDigit(t.charCodeAt(i))) i++;
    else ok = false;
    if (ok && t.charCodeAt(i) === 46) {
      i++;
      if (!isDigit(t.charCodeAt(i))) ok = false;
      while (isDigit(t.charCodeAt(i))) i++;
    }
    if (ok && (t.charCodeAt(i) === 101 || t.charCodeAt(i) === 69)) {
      i++;
      if (t.charCodeAt(i) === 43 || t.charCodeAt(i) === 45) i++;
      if (!isDigit(t.charCodeAt(i))) ok = false;
      while (isDigit(t.charCodeAt(i))) i++;
    }
    let j = i;
    while (j < t.length && isJsonWordChar(t.charCodeAt(j))) j++;
    this.pos = j;
    if (!ok || j !== i) throw this.fail(`Token "${t.slice(start, j)}" is invalid.`);
    this.tok = Tok.Number;
  }

  private lexString(start: number): void {
    const t = this.text;
    let i = start + 1;
    let out = '';
    let chunk = i;
    const norm = this.normalize;
    let highSurrogate = -1;
    for (;;) {
      if (i >= t.length) {
        this.pos = i;
        this.tok = Tok.End;
        throw this.fail('The input string ended unexpectedly.');
      }
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) {
        this.pos = i + 1;
        const hex = c.toString(16).padStart(2, '0');
        throw this.fail(`Character with value 0x${hex} must be escaped.`);
      }
      if (c !== 92) {
        if (highSurrogate >= 0 && norm)
          throw this.fail('Unicode low surrogate must follow a high surrogate.');
        i++;
        continue;
      }
      if (norm) out += t.slice(chunk, i);
      const e = t.charCodeAt(i + 1);
      if (e === 117) {
        let cp = 0;
        for (let k = 2; k < 6; k++) {
          const h = hexValue(t.charCodeAt(i + k));
          if (h < 0) {
            this.pos = i + k;
            throw this.fail('"\\u" must be followed by four hexadecimal digits.');
          }
          cp = cp * 16 + h;
        }
        i += 6;
        if (norm) {
          if (cp >= 0xd800 && cp <= 0xdbff) {
            if (highSurrogate >= 0)
              throw this.fail('Unicode high surrogate must not follow a high surrogate.');
            highSurrogate = cp;
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            if (highSurrogate < 0) throw this.fail('Unicode low surrogate must follow a high surrogate.');
            out += String.fromCharCode(highSurrogate, cp);
            highSurrogate = -1;
          } else {
            if (highSurrogate >= 0) throw this.fail('Unicode low surrogate must follow a high surrogate.');
            if (cp === 0) {
              throw new DatabaseError(
                SqlState.untranslatableCharacter,
                'unsupported Unicode escape sequence',
                {
                  detail: '\\u0000 cannot be converted to text.',
                },
              );
            }
            out += String.fromCharCode(cp);
          }
        }
      } else {
        let ch: string;
        switch (e) {
          case 34:
            ch = '"';
            break;
          case 92:
            ch = '\\';
            break;
          case 47:
            ch = '/';
            break;
          case 98:
            ch = '\b';
            break;
          case 102:
            ch = '\f';
            break;
          case 110:
            ch = '\n';
            break;
          case 114:
            ch = '\r';
            break;
          case 116:
            ch = '\t';
            break;
          default: {
            this.pos = i + 2;
            const bad = Number.isNaN(e) ? '' : String.fromCodePoint(t.codePointAt(i + 1)!);
            throw this.fail(`Escape sequence "\\${bad}" is invalid.`);
          }
        }
        if (highSurrogate >= 0 && norm)
          throw this.fail('Unicode low surrogate must follow a high surrogate.');
        if (norm) out += ch;
        i += 2;
      }
      chunk = i;
    }
    if (highSurrogate >= 0 && norm) throw this.fail('Unicode low surrogate must follow a high surrogate.');
    if (norm) this.str = chunk === start + 1 ? t.slice(chunk, i) : out + t.slice(chunk, i);
    else this.str = '';
    this.pos = i + 1;
    this.tok = Tok.String;
  }
}

/** json_in: validates and keeps the text as given. */
export function parseJson(text: string): string {
  new JsonParser(text, false).parse();
  return text;
}

/** jsonb_in: validates and returns PostgreSQL's canonical jsonb text. */
export function parseJsonb(text: string): string {
  return new JsonParser(text, true).parse();
}

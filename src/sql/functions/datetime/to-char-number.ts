import { DatabaseError, SqlState } from '../../../errors.js';
import { Decimal } from '../../../types/decimal.js';
import { toExponentialEven, toFixedEven } from '../../../types/text-io.js';
import type { SqlType } from '../../../types/types.js';
import type { Value } from '../../../types/values.js';
import { notSupported } from './common.js';
import { roundHalfEven } from './make.js';
import { intToRoman, parseNumFormat } from './num-format.js';
import type { NumDesc, NumNode } from './num-format.js';
import { ordinal } from './to-char.js';

/** to_char for integers, floats and numeric (PostgreSQL's NUM_processor). */

/** NUM_processor in to_char mode: lays the digits of `number` out along the template. */
function numProcessor(
  nodes: NumNode[],
  d: NumDesc,
  number: string,
  outPreSpaces: number,
  sign: '+' | '-',
): string {
  let out = '';
  if (d.zeroStart) d.zeroStart--;
  if (d.eeee) return number;
  const fillMode = d.fillMode;
  let bracket = d.bracket;
  let lsign = d.lsign;
  let pre = d.pre;
  let post = d.post;
  let preSpaces = outPreSpaces;
  let sgn: '+' | '-' | '' = sign;
  if (d.roman) {
    lsign = 0;
    pre = post = preSpaces = 0;
    sgn = '';
    bracket = false;
  }
  let signWrote: boolean;
  if (d.plus || d.minus) {
    signWrote = !(d.plus && !d.minus);
  } else {
    if (sgn !== '-' && fillMode) bracket = false;
    signWrote = sgn === '+' && fillMode && lsign === 0;
    if (lsign === 1 && pre === d.preLsignNum) lsign = 2;
  }
  let numCount = post + pre - 1;
  let lastRelevant = -1;
  if (fillMode && d.decimal && !d.roman) {
    const dot = number.indexOf('.');
    if (dot >= 0) {
      lastRelevant = dot;
      for (let k = dot + 1; k < number.length; k++) if (number[k] !== '0') lastRelevant = k;
      if (d.zeroEnd > preSpaces) {
        const lastZero = Math.min(number.length - 1, d.zeroEnd - preSpaces);
        if (lastRelevant < lastZero) lastRelevant = lastZero;
      }
    }
  }
  if (!signWrote && preSpaces === 0) numCount++;
  let numIn = false;
  let numCurr = 0;
  let p = 0;
  const predecSpace = (): boolean => !d.zero && p === 0 && number[0] === '0' && post !== 0;
  const numpart = (key: string): void => {
    if (d.roman) return;
    if (
      !signWrote &&
      (numCurr >= preSpaces || (d.zero && d.zeroStart === numCurr)) &&
      (!predecSpace() || (lastRelevant >= 0 && number[lastRelevant] === '.'))
    ) {
      if (lsign) {
        if (lsign === 1) {
          out += sgn === '-' ? '-' : '+';
          signWrote = true;
        }
      } else if (bracket) {
        out += sgn === '+' ? ' ' : '<';
        signWrote = true;
      } else if (sgn === '+') {
        if (!fillMode) out += ' ';
        signWrote = true;
      } else if (sgn === '-') {
        out += '-';
        signWrote = true;
      }
    }
    if (numCurr < preSpaces && (d.zeroStart > numCurr || !d.zero)) {
      if (!fillMode) out += ' ';
    } else if (d.zero && numCurr < preSpaces && d.zeroStart <= numCurr) {
      out += '0';
      numIn = true;
    } else {
      if (number[p] === '.') {
        if (lastRelevant < 0 || number[lastRelevant] !== '.') out += '.';
        else if (fillMode && lastRelevant >= 0 && number[lastRelevant] === '.') out += '.';
      } else {
        if (lastRelevant >= 0 && p > lastRelevant && key !== '0') {
          /* trailing zero suppressed by FM */
        } else if (predecSpace()) {
          if (!fillMode) out += ' ';
          else if (lastRelevant >= 0 && number[lastRelevant] === '.') out += '0';
        } else {
          // Past the end of the digits PostgreSQL writes the string's NUL, which ends the output.
          out += number[p] ?? '\0';
          numIn = true;
        }
      }
      if (p < number.length) p++;
    }
    let end = numCount + (preSpaces ? 1 : 0) + (d.decimal ? 1 : 0);
    if (lastRelevant >= 0 && lastRelevant === p) end = numCurr;
    if (numCurr + 1 === end) {
      if (signWrote && bracket) out += sgn === '+' ? ' ' : '>';
      else if (lsign === 2) out += sgn === '-' ? '-' : '+';
    }
    numCurr++;
  };
  for (const n of nodes) {
    if (n.key === undefined) {
      out += n.text;
      continue;
    }
    switch (n.key) {
      case '9':
      case '0':
      case '.':
      case 'D':
      case 'd':
        numpart(n.key);
        break;
      case ',':
        if (!numIn) {
          if (!fillMode) out += ' ';
        } else out += ',';
        break;
      case 'G':
      case 'g':
        if (!numIn) {
          if (!fillMode) out += ' ';
        } else out += ',';
        break;
      case 'L':
      case 'l':
        out += ' ';
        break;
      case 'RN':
        out += fillMode ? number : number.padStart(15);
        break;
      case 'rn':
        out += fillMode ? number.toLowerCase() : number.toLowerCase().padStart(15);
        break;
      case 'TH':
      case 'th':
        if (d.roman || number[0] === '#' || sgn === '-' || d.decimal) break;
        out += ordinal(number, n.key === 'TH');
        break;
      case 'MI':
      case 'mi':
        if (sgn === '-') out += '-';
        else if (!fillMode) out += ' ';
        break;
      case 'PL':
      case 'pl':
        if (sgn === '+') out += '+';
        else if (!fillMode) out += ' ';
        break;
      case 'SG':
      case 'sg':
        out += sgn;
        break;
      default:
        break;
    }
  }
  const nul = out.indexOf('\0');
  return nul >= 0 ? out.slice(0, nul) : out;
}

function overflowNumber(pre: number, post: number): string {
  const s = '#'.repeat(pre + post + 1).split('');
  s[pre] = '.';
  return s.join('');
}

/** numeric_out_sci(): 'd.ddde±XX' with round-half-away digits. */
function numericSci(v: Decimal, post: number): string {
  if (v.isZero()) return '0' + (post > 0 ? '.' + '0'.repeat(post) : '') + 'e+00';
  const neg = v.sign() < 0;
  const a = v.abs();
  const digits = a.coef.toString();
  let exp = digits.length - 1 - a.scale;
  let m = new Decimal(a.coef, a.scale + exp).round(post);
  if (m.cmp(Decimal.fromInt(10)) >= 0) {
    exp++;
    m = new Decimal(a.coef, a.scale + exp).round(post);
  }
  const e = Math.abs(exp);
  return (neg ? '-' : '') + m.toString() + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' : '') + e;
}

/** to_char(numeric | int | float, text). */
export function numberToChar(v: Value, type: SqlType, fmt: string): Value {
  if (fmt.length === 0) return '';
  const [nodes, d] = parseNumFormat(fmt);
  let numstr: string;
  let outPreSpaces = 0;
  let sign: '+' | '-' = '+';
  const isFloat = type.id === 'float4' || type.id === 'float8';
  const dec = type.id === 'numeric' ? (v as Decimal) : undefined;
  const asNumber = typeof v === 'bigint' ? Number(v) : (v as number);
  if (d.roman) {
    let n: number;
    if (dec) {
      if (dec.nan) throw notSupported('cannot convert NaN to integer');
      const b = dec.toBigIntRounded();
      if (b < -2147483648n || b > 2147483647n)
        throw new DatabaseError(SqlState.numericValueOutOfRange, 'integer out of range');
      n = Number(b);
    } else if (isFloat) {
      n = roundHalfEven(asNumber);
      if (!(n >= -2147483648 && n <= 2147483647)) n = 0;
    } else n = asNumber;
    numstr = intToRoman(n);
  } else if (d.eeee) {
    if (type.id === 'int8') {
      numstr = numericSci(Decimal.fromBigInt(v as bigint), d.post);
      if (numstr[0] !== '-') numstr = ' ' + numstr;
    } else if (dec) {
      numstr = dec.nan ? '' : numericSci(dec, d.post);
      if (dec.nan) {
        const s = '#'.repeat(d.pre + d.post + 6).split('');
        s[0] = ' ';
        s[d.pre + 1] = '.';
        numstr = s.join('');
      } else if (numstr[0] !== '-') numstr = ' ' + numstr;
    } else if (!Number.isFinite(asNumber)) {
      const s = '#'.repeat(d.pre + d.post + 6).split('');
      s[0] = ' ';
      s[d.pre + 1] = '.';
      numstr = s.join('');
    } else {
      const e = toExponentialEven(asNumber, d.post);
      const ePos = e.indexOf('e');
      const ex = Number(e.slice(ePos + 1));
      numstr =
        (Object.is(asNumber, -0) ? '-' : '') +
        e.slice(0, ePos) +
        (ex < 0 ? 'e-' : 'e+') +
        String(Math.abs(ex)).padStart(2, '0');
      if (numstr[0] !== '-') numstr = ' ' + numstr;
    }
  } else {
    let orgnum: string;
    if (dec) {
      let val = dec;
      if (d.isMulti) {
        val = val.mul(new Decimal(10n ** BigInt(d.multi), 0));
        d.pre += d.multi;
      }
      orgnum = val.round(d.post).toString();
    } else if (isFloat) {
      let val = asNumber;
      if (d.isMulti) {
        val *= 10 ** d.multi;
        d.pre += d.multi;
      }
      const digLimit = type.id === 'float4' ? 6 : 15;
      const intLen = toFixedEven(Math.abs(val), 0).length;
      if (intLen >= digLimit) d.post = 0;
      else if (intLen + d.post > digLimit) d.post = digLimit - intLen;
      orgnum = toFixedEven(val, d.post);
    } else {
      let big = typeof v === 'bigint' ? v : BigInt(v as number);
      if (d.isMulti) {
        big *= 10n ** BigInt(d.multi);
        d.pre += d.multi;
        const limit = type.id === 'int8' ? 2n ** 63n : 2n ** 31n;
        if (big >= limit || big < -limit) {
          throw new DatabaseError(
            SqlState.numericValueOutOfRange,
            type.id === 'int8' ? 'bigint out of range' : 'integer out of range',
          );
        }
      }
      orgnum = big.toString();
      if (d.post) orgnum += '.' + '0'.repeat(d.post);
    }
    if (orgnum[0] === '-') {
      sign = '-';
      numstr = orgnum.slice(1);
    } else numstr = orgnum;
    const dot = numstr.indexOf('.');
    const preLen = dot >= 0 ? dot : numstr.length;
    if (preLen < d.pre) outPreSpaces = d.pre - preLen;
    else if (preLen > d.pre) numstr = overflowNumber(d.pre, d.post);
  }
  return numProcessor(nodes, d, numstr, outPreSpaces, sign);
}

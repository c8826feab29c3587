import { DatabaseError, SqlState } from '../../../errors.js';

/** to_char numeric templates: keyword table, template parsing (PostgreSQL's NUM_*) and Roman numerals. */

export interface NumDesc {
  pre: number;
  post: number;
  lsign: 0 | 1 | 2;
  preLsignNum: number;
  multi: number;
  zeroStart: number;
  zeroEnd: number;
  fillMode: boolean;
  decimal: boolean;
  zero: boolean;
  bracket: boolean;
  minus: boolean;
  plus: boolean;
  roman: boolean;
  eeee: boolean;
  isMulti: boolean;
}

export interface NumNode {
  readonly key?: string;
  readonly text: string;
}

const NUM_KEYWORDS = [
  ',',
  '.',
  '0',
  '9',
  'B',
  'C',
  'D',
  'EEEE',
  'E',
  'FM',
  'G',
  'L',
  'MI',
  'PL',
  'PR',
  'RN',
  'SG',
  'SP',
  'S',
  'TH',
  'V',
  'b',
  'c',
  'd',
  'eeee',
  'e',
  'fm',
  'g',
  'l',
  'mi',
  'pl',
  'pr',
  'rn',
  'sg',
  'sp',
  's',
  'th',
  'v',
];
const numIndex = new Map<string, string[]>();
for (const k of NUM_KEYWORDS) {
  const list = numIndex.get(k[0]!) ?? [];
  list.push(k);
  numIndex.set(k[0]!, list);
}
for (const list of numIndex.values()) list.sort((a, b) => b.length - a.length);

function syntaxError(msg: string, detail?: string): DatabaseError {
  return new DatabaseError(SqlState.syntaxError, msg, detail ? { detail } : undefined);
}

const numCache = new Map<string, [NumNode[], NumDesc]>();

/** parse_format + NUMDesc_prepare for numeric templates (cached). */
export function parseNumFormat(fmt: string): [NumNode[], NumDesc] {
  const cached = numCache.get(fmt);
  if (cached) return [cached[0], { ...cached[1] }];
  const nodes: NumNode[] = [];
  const d: NumDesc = {
    pre: 0,
    post: 0,
    lsign: 0,
    preLsignNum: 0,
    multi: 0,
    zeroStart: 0,
    zeroEnd: 0,
    fillMode: false,
    decimal: false,
    zero: false,
    bracket: false,
    minus: false,
    plus: false,
    roman: false,
    eeee: false,
    isMulti: false,
  };
  let i = 0;
  while (i < fmt.length) {
    const key = (numIndex.get(fmt[i]!) ?? []).find((k) => fmt.startsWith(k, i) && k !== 'E' && k !== 'e');
    if (!key) {
      const c = fmt[i]!;
      if (c === '"') {
        i++;
        while (i < fmt.length && fmt[i] !== '"') {
          if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
          nodes.push({ text: fmt[i]! });
          i++;
        }
        i++;
        continue;
      }
      if (c === '\\' && fmt[i + 1] === '"') i++;
      nodes.push({ text: fmt[i]! });
      i++;
      continue;
    }
    i += key.length;
    const up = key.toUpperCase();
    if (d.eeee && up !== 'EEEE') throw syntaxError('"EEEE" must be the last pattern used');
    switch (up) {
      case '9':
        if (d.bracket) throw syntaxError('"9" must be ahead of "PR"');
        if (d.isMulti) d.multi++;
        else if (d.decimal) d.post++;
        else d.pre++;
        break;
      case '0':
        if (d.bracket) throw syntaxError('"0" must be ahead of "PR"');
        if (!d.zero && !d.decimal) {
          d.zero = true;
          d.zeroStart = d.pre + 1;
        }
        if (!d.decimal) d.pre++;
        else d.post++;
        d.zeroEnd = d.pre + d.post;
        break;
      case 'D':
      case '.':
        if (d.decimal) throw syntaxError('multiple decimal points');
        if (d.isMulti) throw syntaxError('cannot use "V" and decimal point together');
        d.decimal = true;
        break;
      case 'FM':
        d.fillMode = true;
        break;
      case 'S':
        if (d.lsign) throw syntaxError('cannot use "S" twice');
        if (d.plus || d.minus || d.bracket)
          throw syntaxError('cannot use "S" and "PL"/"MI"/"SG"/"PR" together');
        if (!d.decimal) {
          d.lsign = 1;
          d.preLsignNum = d.pre;
        } else if (d.lsign === 0) d.lsign = 2;
        break;
      case 'MI':
        if (d.lsign) throw syntaxError('cannot use "S" and "MI" together');
        d.minus = true;
        break;
      case 'PL':
        if (d.lsign) throw syntaxError('cannot use "S" and "PL" together');
        d.plus = true;
        break;
      case 'SG':
        if (d.lsign) throw syntaxError('cannot use "S" and "SG" together');
        d.minus = true;
        d.plus = true;
        break;
      case 'PR':
        if (d.lsign || d.plus || d.minus)
          throw syntaxError('cannot use "PR" and "S"/"PL"/"MI"/"SG" together');
        d.bracket = true;
        break;
      case 'RN':
        d.roman = true;
        break;
      case 'V':
        if (d.decimal) throw syntaxError('cannot use "V" and decimal point together');
        d.isMulti = true;
        break;
      case 'EEEE':
        if (d.eeee) throw syntaxError('cannot use "EEEE" twice');
        if (d.fillMode || d.lsign || d.bracket || d.minus || d.plus || d.roman || d.isMulti) {
          throw syntaxError(
            '"EEEE" is incompatible with other formats',
            '"EEEE" may only be used together with digit and decimal point patterns.',
          );
        }
        d.eeee = true;
        break;
      default:
        break;
    }
    nodes.push({ key, text: key });
  }
  if (numCache.size > 256) numCache.clear();
  numCache.set(fmt, [nodes, { ...d }]);
  return [nodes, d];
}

const RM100 = ['C', 'CC', 'CCC', 'CD', 'D', 'DC', 'DCC', 'DCCC', 'CM'];
const RM10 = ['X', 'XX', 'XXX', 'XL', 'L', 'LX', 'LXX', 'LXXX', 'XC'];
const RM1 = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX'];

export function intToRoman(n: number): string {
  if (n > 3999 || n < 1) return '#'.repeat(15);
  const s = String(n);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const digit = s.charCodeAt(i) - 49;
    if (digit < 0) continue;
    const len = s.length - i;
    if (len > 3) out += 'M'.repeat(digit + 1);
    else out += (len === 3 ? RM100 : len === 2 ? RM10 : RM1)[digit]!;
  }
  return out;
}

import { notSupported } from './common.js';
import { DAY_NAMES, MONTH_NAMES, ROMAN_MONTHS, parseDchFormat } from './dch-format.js';
import {
  adjustPartialYear,
  badValue,
  isSeparatorCode,
  isSpaceCode,
  readInt,
  readName,
} from './from-char-fields.js';
import type { FromCharResult } from './from-char-fields.js';

/**
 * to_timestamp / to_date input: reads text along a template into calendar fields (PostgreSQL's
 * DCH_from_char).
 */

const MONTH_ABBRS = MONTH_NAMES.map((m) => m.slice(0, 3));
const DAY_ABBRS = DAY_NAMES.map((m) => m.slice(0, 3));

/** DCH_from_char: reads `input` along the template into calendar fields. */
export function fromChar(input: string, fmt: string): FromCharResult {
  const r: FromCharResult = {
    year: 0,
    yysz: 0,
    bc: false,
    cc: 0,
    mm: 0,
    dd: 0,
    ddd: 0,
    d: 0,
    ww: 0,
    w: 0,
    j: 0,
    isoWeekMode: false,
    hh: 0,
    mi: 0,
    ss: 0,
    ssss: 0,
    ms: 0,
    us: 0,
    clock12: false,
    pm: false,
    tzsign: 0,
    tzh: 0,
    tzm: 0,
  };
  const nodes = parseDchFormat(fmt);
  const st = { pos: 0 };
  let fx = false;
  let extraSkip = 0;
  for (let i = 0; i < nodes.length && st.pos < input.length; i++) {
    const n = nodes[i]!;
    const up = n.kw?.toUpperCase();
    if (!fx && up !== 'FX' && (n.kw !== undefined || i === 0)) {
      while (st.pos < input.length && isSpaceCode(input.charCodeAt(st.pos))) {
        st.pos++;
        extraSkip++;
      }
    }
    if (n.kw === undefined) {
      for (let k = 0; k < n.text.length && st.pos < input.length; k++) {
        const fc = n.text.charCodeAt(k);
        if (fc === 32 || isSeparatorCode(fc)) {
          if (!fx) {
            extraSkip--;
            const ic = input.charCodeAt(st.pos);
            if (isSpaceCode(ic) || isSeparatorCode(ic)) {
              st.pos++;
              extraSkip++;
            }
          } else st.pos++;
        } else if (!fx && extraSkip > 0) extraSkip--;
        else st.pos++;
      }
      continue;
    }
    switch (up) {
      case 'FX':
        fx = true;
        break;
      case 'A.D.':
      case 'B.C.':
        r.bc = readName(input, st, ['A.D.', 'B.C.'], n.kw) === 1;
        break;
      case 'AD':
      case 'BC':
        r.bc = readName(input, st, ['AD', 'BC'], n.kw) === 1;
        break;
      case 'A.M.':
      case 'P.M.':
        r.pm = readName(input, st, ['A.M.', 'P.M.'], n.kw) === 1;
        r.clock12 = true;
        break;
      case 'AM':
      case 'PM':
        r.pm = readName(input, st, ['AM', 'PM'], n.kw) === 1;
        r.clock12 = true;
        break;
      case 'HH':
      case 'HH12':
        r.hh = readInt(input, st, 2, nodes, i)[0];
        r.clock12 = true;
        break;
      case 'HH24':
        r.hh = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'MI':
        r.mi = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'SS':
        r.ss = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'MS': {
        const [v, len] = readInt(input, st, 3, nodes, i);
        r.ms = v * (len === 1 ? 100 : len === 2 ? 10 : 1);
        break;
      }
      case 'US':
      case 'FF1':
      case 'FF2':
      case 'FF3':
      case 'FF4':
      case 'FF5':
      case 'FF6': {
        const width = up === 'US' ? 6 : Number(up[2]);
        const [v, len] = readInt(input, st, width, nodes, i);
        r.us = v * 10 ** Math.max(0, 6 - len);
        break;
      }
      case 'SSSS':
      case 'SSSSS':
        r.ssss = readInt(input, st, up.length, nodes, i)[0];
        break;
      case 'TZ':
      case 'OF':
        throw notSupported(`formatting field "${n.kw}" is only supported in to_char`);
      case 'TZH': {
        const c = input[st.pos];
        if (c === '+' || c === '-' || c === ' ') {
          r.tzsign = c === '-' ? -1 : 1;
          st.pos++;
        } else r.tzsign = extraSkip > 0 && input[st.pos - 1] === '-' ? -1 : 1;
        r.tzh = readInt(input, st, 2, nodes, i)[0];
        break;
      }
      case 'TZM':
        if (!r.tzsign) r.tzsign = 1;
        r.tzm = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'MONTH':
        r.mm = readName(input, st, MONTH_NAMES, n.kw) + 1;
        break;
      case 'MON':
        r.mm = readName(input, st, MONTH_ABBRS, n.kw) + 1;
        break;
      case 'MM':
        r.mm = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'DAY':
        r.d = readName(input, st, DAY_NAMES, n.kw) + 1;
        break;
      case 'DY':
        r.d = readName(input, st, DAY_ABBRS, n.kw) + 1;
        break;
      case 'DDD':
        r.ddd = readInt(input, st, 3, nodes, i)[0];
        break;
      case 'IDDD':
        r.ddd = readInt(input, st, 3, nodes, i)[0];
        r.isoWeekMode = true;
        break;
      case 'DD':
        r.dd = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'D':
        r.d = readInt(input, st, 1, nodes, i)[0];
        break;
      case 'ID':
        r.d = readInt(input, st, 1, nodes, i)[0] + 1;
        if (r.d > 7) r.d = 1;
        r.isoWeekMode = true;
        break;
      case 'WW':
        r.ww = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'IW':
        r.ww = readInt(input, st, 2, nodes, i)[0];
        r.isoWeekMode = true;
        break;
      case 'Q':
        readInt(input, st, 1, nodes, i);
        break;
      case 'CC':
        r.cc = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'Y,YYY': {
        const m = /^\s*(\d+),(\d{3})/.exec(input.slice(st.pos));
        if (!m) throw badValue(input.slice(st.pos, st.pos + 5), n.kw, 'Value must be an integer.');
        r.year = Number(m[1]) * 1000 + Number(m[2]);
        r.yysz = 4;
        st.pos += m[0].length;
        break;
      }
      case 'YYYY':
      case 'IYYY':
        r.year = readInt(input, st, 4, nodes, i)[0];
        r.yysz = 4;
        break;
      case 'YYY':
      case 'IYY':
      case 'YY':
      case 'IY':
      case 'Y':
      case 'I': {
        const width = up.replace('I', 'Y').length;
        const [v, len] = readInt(input, st, width, nodes, i);
        r.year = len < 4 ? adjustPartialYear(v) : v;
        r.yysz = width;
        break;
      }
      case 'RM': {
        while (st.pos < input.length && isSpaceCode(input.charCodeAt(st.pos))) st.pos++;
        const order = [...ROMAN_MONTHS].reverse();
        r.mm = 12 - readName(input, st, order, n.kw);
        break;
      }
      case 'W':
        r.w = readInt(input, st, 1, nodes, i)[0];
        break;
      case 'J':
        r.j = readInt(input, st, 1, nodes, i)[0];
        break;
      default:
        break;
    }
    if (n.th) {
      const suffix = input.slice(st.pos, st.pos + 2).toLowerCase();
      if (suffix === 'st' || suffix === 'nd' || suffix === 'rd' || suffix === 'th') st.pos += 2;
    }
  }
  return r;
}

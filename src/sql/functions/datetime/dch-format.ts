/** to_char / to_timestamp datetime templates: keyword table and template parsing (PostgreSQL's DCH_*). */

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const ROMAN_MONTHS = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

/** DCH_keywords: to_char/to_timestamp template patterns, longest first within a leading letter. */
const DCH_KEYWORDS = [
  'A.D.',
  'A.M.',
  'AD',
  'AM',
  'B.C.',
  'BC',
  'CC',
  'DAY',
  'DDD',
  'DD',
  'DY',
  'Day',
  'Dy',
  'D',
  'FF1',
  'FF2',
  'FF3',
  'FF4',
  'FF5',
  'FF6',
  'FX',
  'HH24',
  'HH12',
  'HH',
  'IDDD',
  'ID',
  'IW',
  'IYYY',
  'IYY',
  'IY',
  'I',
  'J',
  'MI',
  'MM',
  'MONTH',
  'MON',
  'MS',
  'Month',
  'Mon',
  'OF',
  'P.M.',
  'PM',
  'Q',
  'RM',
  'SSSSS',
  'SSSS',
  'SS',
  'TZH',
  'TZM',
  'TZ',
  'US',
  'WW',
  'W',
  'Y,YYY',
  'YYYY',
  'YYY',
  'YY',
  'Y',
  'a.d.',
  'a.m.',
  'ad',
  'am',
  'b.c.',
  'bc',
  'cc',
  'day',
  'ddd',
  'dd',
  'dy',
  'd',
  'ff1',
  'ff2',
  'ff3',
  'ff4',
  'ff5',
  'ff6',
  'fx',
  'hh24',
  'hh12',
  'hh',
  'iddd',
  'id',
  'iw',
  'iyyy',
  'iyy',
  'iy',
  'i',
  'j',
  'mi',
  'mm',
  'month',
  'mon',
  'ms',
  'of',
  'p.m.',
  'pm',
  'q',
  'rm',
  'sssss',
  'ssss',
  'ss',
  'tzh',
  'tzm',
  'tz',
  'us',
  'ww',
  'w',
  'y,yyy',
  'yyyy',
  'yyy',
  'yy',
  'y',
];

export interface DchNode {
  /** Keyword as written (its case selects the output case), or undefined for literal text. */
  readonly kw?: string;
  readonly text: string;
  readonly fm: boolean;
  /** Ordinal suffix: 0 none, 1 'th', 2 'TH'. */
  readonly th: 0 | 1 | 2;
}

const dchIndex = new Map<string, string[]>();
for (const k of DCH_KEYWORDS) {
  const list = dchIndex.get(k[0]!) ?? [];
  list.push(k);
  dchIndex.set(k[0]!, list);
}
for (const list of dchIndex.values()) list.sort((a, b) => b.length - a.length);

const dchCache = new Map<string, DchNode[]>();

/** parse_format for datetime templates (cached). */
export function parseDchFormat(fmt: string): DchNode[] {
  const cached = dchCache.get(fmt);
  if (cached) return cached;
  const nodes: DchNode[] = [];
  let i = 0;
  while (i < fmt.length) {
    let fm = false;
    let j = i;
    for (;;) {
      const two = fmt.slice(j, j + 2);
      if (two === 'FM' || two === 'fm') {
        fm = true;
        j += 2;
      } else if (two === 'TM' || two === 'tm') j += 2;
      else break;
    }
    const kw = (dchIndex.get(fmt[j] ?? '') ?? []).find((k) => fmt.startsWith(k, j));
    if (kw) {
      j += kw.length;
      let th: 0 | 1 | 2 = 0;
      const suf = fmt.slice(j, j + 2);
      if (suf === 'TH') th = 2;
      else if (suf === 'th') th = 1;
      if (th) j += 2;
      else if (suf === 'SP' || suf === 'sp') j += 2;
      nodes.push({ kw, text: kw, fm, th });
      i = j;
      continue;
    }
    const c = fmt[i]!;
    if (c === '"') {
      i++;
      let lit = '';
      while (i < fmt.length && fmt[i] !== '"') {
        if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
        lit += fmt[i]!;
        i++;
      }
      i++;
      if (lit) nodes.push({ text: lit, fm: false, th: 0 });
      continue;
    }
    if (c === '\\' && fmt[i + 1] === '"') {
      nodes.push({ text: '"', fm: false, th: 0 });
      i += 2;
      continue;
    }
    nodes.push({ text: c, fm: false, th: 0 });
    i++;
  }
  if (dchCache.size > 256) dchCache.clear();
  dchCache.set(fmt, nodes);
  return nodes;
}

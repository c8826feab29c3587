// Checks and normal forms of the text-valued configuration parameters (see parameters.ts).
import { DatabaseError, SqlState } from '../../errors.js';
import { timeZone } from '../../types/datetime.js';

/** What a check needs of its parameter: the name messages use. */
interface Named {
  readonly name: string;
}

export function invalid(p: Named, value: string, extra?: { detail?: string; hint?: string }): DatabaseError {
  return new DatabaseError(
    SqlState.invalidParameterValue,
    `invalid value for parameter "${p.name}": "${value}"`,
    extra,
  );
}

/** DateStyle: an output style and a field order, either given or kept from the previous value. */
export function normalizeDateStyle(this: Named, value: string, previous: string): string {
  const [prevStyle = 'ISO', prevOrder = 'MDY'] = previous.split(/\s*,\s*/);
  let style: string | undefined;
  let order: string | undefined;
  const styles: Record<string, string> = { ISO: 'ISO', SQL: 'SQL', POSTGRES: 'Postgres', GERMAN: 'German' };
  const orders: Record<string, string> = {
    YMD: 'YMD',
    DMY: 'DMY',
    EURO: 'DMY',
    EUROPEAN: 'DMY',
    MDY: 'MDY',
    US: 'MDY',
    NONEURO: 'MDY',
    NONEUROPEAN: 'MDY',
  };
  for (const token of value.split(/[\s,]+/).filter((t) => t !== '')) {
    const u = token.toUpperCase();
    const s = styles[u];
    const o = orders[u];
    if (u === 'DEFAULT') {
      style ??= 'ISO';
      order ??= 'MDY';
    } else if (s === undefined && o === undefined) {
      throw invalid(this, value);
    } else if ((s && style && s !== style) || (o && order && o !== order)) {
      throw invalid(this, value, { detail: 'Conflicting "datestyle" specifications.' });
    } else {
      style = s ?? style;
      order = o ?? order;
    }
  }
  if (style === undefined && order === undefined) throw invalid(this, value);
  // German without an explicit order means DMY, as in PostgreSQL.
  if (order === undefined) order = style === 'German' ? 'DMY' : prevOrder;
  return `${style ?? prevStyle}, ${order}`;
}

export function normalizeTimeZone(this: Named, value: string): string {
  try {
    timeZone(value);
  } catch {
    throw invalid(this, value);
  }
  return value;
}

/** Encodings PostgreSQL knows; LiveViewDB speaks only UTF8 to clients. */
const ENCODINGS = new Set(
  (
    'SQL_ASCII EUC_JP EUC_CN EUC_KR EUC_TW EUC_JIS_2004 MULE_INTERNAL LATIN1 LATIN2 LATIN3 LATIN4 LATIN5 ' +
    'LATIN6 LATIN7 LATIN8 LATIN9 LATIN10 WIN1256 WIN1258 WIN866 WIN874 KOI8R WIN1251 WIN1252 ISO_8859_5 ' +
    'ISO_8859_6 ISO_8859_7 ISO_8859_8 WIN1250 WIN1253 WIN1254 WIN1255 WIN1257 KOI8U SJIS BIG5 GBK UHC ' +
    'GB18030 JOHAB SHIFT_JIS_2004'
  ).split(' '),
);

export function normalizeEncoding(this: Named, value: string): string {
  const u = value.toUpperCase().replace(/[-_]/g, '');
  if (u === 'UTF8' || u === 'UNICODE') return 'UTF8';
  const known = [...ENCODINGS].find((e) => e.replace(/_/g, '') === u);
  if (known === undefined) throw invalid(this, value);
  throw new DatabaseError(
    SqlState.featureNotSupported,
    `conversion between ${known} and UTF8 is not supported`,
    {
      hint: 'LiveViewDB exchanges text with clients in UTF8 only.',
    },
  );
}

/** search_path and other identifier lists: each element quoted where it needs it. */
export function normalizeIdentifierList(value: string): string {
  return value
    .split(',')
    .map((s) => s.trim())
    .map((s) =>
      /^".*"$/.test(s) || /^[a-z_][a-z0-9_]*$/.test(s) || s === '' ? s : `"${s.replace(/"/g, '""')}"`,
    )
    .join(', ');
}

/** application_name: at most 63 bytes of printable ASCII, as PostgreSQL keeps it. */
export function normalizeName(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 63);
}

/**
 * Column types for `import --create`, inferred from a sample of rows. Each column takes the first
 * of int8, float8, bool, timestamp that every non-null sample value fits, else text; a column with
 * only NULLs in the sample is text. Text values fit int8 when they are decimal integers in range,
 * float8 when JavaScript's Number reads them (plus NaN/Infinity), bool for true/false/t/f/yes/no
 * (any case), timestamp for ISO 8601 dates and date-times ('2025-01-31', '2025-01-31 12:00:00',
 * '2025-01-31T12:00:00.5Z').
 */

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(NaN|Infinity|inf)$/i;
const BOOL = /^(true|false|t|f|yes|no)$/i;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const INT8_MAX = 2n ** 63n - 1n;

export type InferredType = 'int8' | 'float8' | 'bool' | 'timestamp' | 'text';
const ORDER: readonly InferredType[] = ['int8', 'float8', 'bool', 'timestamp', 'text'];

function fits(v: unknown, t: InferredType): boolean {
  if (t === 'text') return true;
  if (typeof v === 'string') {
    const s = v.trim();
    switch (t) {
      case 'int8': {
        if (!INT.test(s)) return false;
        const n = BigInt(s);
        return n <= INT8_MAX && n >= -INT8_MAX - 1n;
      }
      case 'float8':
        return FLOAT.test(s);
      case 'bool':
        return BOOL.test(s);
      case 'timestamp':
        return TIMESTAMP.test(s) && !Number.isNaN(Date.parse(s.slice(0, 10)));
    }
  }
  switch (t) {
    case 'int8':
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
    case 'float8':
      return typeof v === 'number' || typeof v === 'bigint';
    case 'bool':
      return typeof v === 'boolean';
    case 'timestamp':
      return v instanceof Date;
  }
}

/** The type of one column, from its sample values (null and undefined are skipped). */
export function inferColumnType(sample: readonly unknown[]): InferredType {
  let k = 0;
  let seen = false;
  for (const v of sample) {
    if (v === null || v === undefined) continue;
    seen = true;
    while (!fits(v, ORDER[k]!)) k++;
  }
  return seen ? ORDER[k]! : 'text';
}

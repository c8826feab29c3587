import { DatabaseError, SqlState } from '../../errors.js';
import {
  invalid,
  normalizeDateStyle,
  normalizeEncoding,
  normalizeIdentifierList,
  normalizeName,
  normalizeTimeZone,
} from './text-values.js';

/**
 * The configuration parameters a session knows (PostgreSQL's GUCs that clients send or read), with
 * how each value is checked and normalized. Names are case-insensitive; `name` is the spelling
 * SHOW and pg_settings use.
 */
export interface Parameter {
  readonly name: string;
  readonly type: 'bool' | 'integer' | 'string' | 'enum';
  /** internal: read-only (55P02 on SET). */
  readonly context: 'internal' | 'user';
  readonly category: string;
  readonly description: string;
  readonly boot: string;
  readonly unit?: 'ms' | 'kB';
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** Values PostgreSQL accepts that LiveViewDB does not implement (0A000). */
  readonly unsupported?: readonly string[];
  /** Sent to the client as ParameterStatus when it changes (GUC_REPORT). */
  readonly report?: boolean;
  /** Checks and normalizes a string value; `previous` is the value it replaces. */
  readonly normalize?: (value: string, previous: string) => string;
}

const INT_MAX = 2147483647;
const CLIENT = 'Client Connection Defaults';
const PRESET = 'Preset Options';

const ISOLATION = ['serializable', 'repeatable read', 'read committed', 'read uncommitted'];
const MESSAGE_LEVELS = [
  'debug5',
  'debug4',
  'debug3',
  'debug2',
  'debug1',
  'log',
  'notice',
  'warning',
  'error',
];

const p = (
  name: string,
  type: Parameter['type'],
  boot: string,
  description: string,
  more: Partial<Parameter> = {},
): Parameter => ({ name, type, boot, description, context: 'user', category: CLIENT, ...more });
const internal = (
  name: string,
  type: Parameter['type'],
  boot: string,
  description: string,
  report = false,
): Parameter => p(name, type, boot, description, { context: 'internal', category: PRESET, report });
const timeout = (name: string, description: string): Parameter =>
  p(name, 'integer', '0', description, { unit: 'ms', min: 0, max: INT_MAX });

const ALL: Parameter[] = [
  p('application_name', 'string', '', 'Sets the application name to be reported in statistics and logs.', {
    report: true,
    normalize: normalizeName,
  }),
  internal('block_size', 'integer', '8192', 'Shows the size of a disk block.'),
  p('bytea_output', 'enum', 'hex', 'Sets the output format for bytea.', {
    values: ['escape', 'hex'],
    unsupported: ['escape'],
  }),
  p(
    'check_function_bodies',
    'bool',
    'on',
    'Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE.',
  ),
  p('client_encoding', 'string', 'UTF8', "Sets the client's character set encoding.", {
    report: true,
    normalize: normalizeEncoding,
  }),
  p('client_min_messages', 'enum', 'notice', 'Sets the message levels that are sent to the client.', {
    values: MESSAGE_LEVELS,
  }),
  p('DateStyle', 'string', 'ISO, MDY', 'Sets the display format for date and time values.', {
    report: true,
    normalize: normalizeDateStyle,
  }),
  p('default_table_access_method', 'string', 'heap', 'Sets the default table access method for new tables.'),
  p('default_tablespace', 'string', '', 'Sets the default tablespace to create tables and indexes in.'),
  p(
    'default_transaction_isolation',
    'enum',
    'read committed',
    'Sets the transaction isolation level of each new transaction.',
    {
      values: ISOLATION,
    },
  ),
  p(
    'default_transaction_read_only',
    'bool',
    'off',
    'Sets the default read-only status of new transactions.',
    {
      unsupported: ['on'],
    },
  ),
  p('extra_float_digits', 'integer', '1', 'Sets the number of digits displayed for floating-point values.', {
    min: -15,
    max: 3,
  }),
  timeout(
    'idle_in_transaction_session_timeout',
    'Sets the maximum allowed idle time between queries, when in a transaction.',
  ),
  timeout(
    'idle_session_timeout',
    'Sets the maximum allowed idle time between queries, when not in a transaction.',
  ),
  internal('in_hot_standby', 'bool', 'off', 'Shows whether hot standby is currently active.', true),
  internal('integer_datetimes', 'bool', 'on', 'Shows whether datetimes are integer based.', true),
  p('IntervalStyle', 'enum', 'postgres', 'Sets the display format for interval values.', {
    report: true,
    values: ['postgres', 'postgres_verbose', 'sql_standard', 'iso_8601'],
    unsupported: ['postgres_verbose', 'sql_standard', 'iso_8601'],
  }),
  internal('is_superuser', 'bool', 'off', 'Shows whether the current user is a superuser.', true),
  p('jit', 'bool', 'off', 'Allow JIT compilation.'),
  internal('lc_collate', 'string', 'C', 'Shows the collation order locale.'),
  internal('lc_ctype', 'string', 'C', 'Shows the character classification and case conversion locale.'),
  p('lc_messages', 'string', 'C', 'Sets the language in which messages are displayed.'),
  p('lc_monetary', 'string', 'C', 'Sets the locale for formatting monetary amounts.'),
  p('lc_numeric', 'string', 'C', 'Sets the locale for formatting numbers.'),
  p('lc_time', 'string', 'C', 'Sets the locale for formatting date and time values.'),
  timeout('lock_timeout', 'Sets the maximum allowed duration of any wait for a lock.'),
  p(
    'maintenance_work_mem',
    'integer',
    '65536',
    'Sets the maximum memory to be used for maintenance operations.',
    {
      unit: 'kB',
      min: 1024,
      max: INT_MAX,
    },
  ),
  internal('max_identifier_length', 'integer', '63', 'Shows the maximum identifier length.'),
  internal('max_index_keys', 'integer', '32', 'Shows the maximum number of index keys.'),
  p('password_encryption', 'enum', 'scram-sha-256', 'Chooses the algorithm for encrypting passwords.', {
    values: ['md5', 'scram-sha-256'],
  }),
  p('row_security', 'bool', 'on', 'Enable row security.'),
  p(
    'search_path',
    'string',
    '"$user", public',
    'Sets the schema search order for names that are not schema-qualified.',
    {
      normalize: normalizeIdentifierList,
    },
  ),
  internal('server_encoding', 'string', 'UTF8', 'Shows the server (database) character set encoding.', true),
  internal('server_version', 'string', '15.0 (LiveViewDB 0.1.0)', 'Shows the server version.', true),
  internal('server_version_num', 'integer', '150000', 'Shows the server version as an integer.'),
  internal('session_authorization', 'string', '', 'Sets the session user name.', true),
  p('standard_conforming_strings', 'bool', 'on', "Causes '...' strings to treat backslashes literally.", {
    report: true,
    unsupported: ['off'],
  }),
  timeout('statement_timeout', 'Sets the maximum allowed duration of any statement.'),
  p('synchronous_commit', 'enum', 'on', "Sets the current transaction's synchronization level.", {
    values: ['local', 'remote_write', 'remote_apply', 'on', 'off'],
  }),
  p('TimeZone', 'string', 'UTC', 'Sets the time zone for displaying and interpreting time stamps.', {
    report: true,
    normalize: normalizeTimeZone,
  }),
  p('transaction_isolation', 'enum', 'read committed', "Sets the current transaction's isolation level.", {
    values: ISOLATION,
  }),
  p('transaction_read_only', 'bool', 'off', "Sets the current transaction's read-only status.", {
    unsupported: ['on'],
  }),
  p('work_mem', 'integer', '2097152', 'Sets the maximum memory to be used for query workspaces.', {
    unit: 'kB',
    min: 64,
    max: INT_MAX,
  }),
  p(
    'xmloption',
    'enum',
    'content',
    'Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.',
    {
      values: ['content', 'document'],
    },
  ),
];

/** Every known parameter, by lower-case name. */
export const PARAMETERS: ReadonlyMap<string, Parameter> = new Map(ALL.map((x) => [x.name.toLowerCase(), x]));

/** A custom (placeholder) parameter name such as `myapp.tenant`, which any session may set. */
export function isCustomParameter(name: string): boolean {
  return /^[^.]+\.[^.]+/.test(name);
}

const TIME_UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
  ['ms', 1],
];
const MEMORY_UNITS: [string, number][] = [
  ['TB', 1024 ** 3],
  ['GB', 1024 ** 2],
  ['MB', 1024],
  ['kB', 1],
];

/** An integer setting with its unit as SHOW prints it: the largest unit that divides it ('5s', '4MB'). */
function withUnit(n: number, unit: 'ms' | 'kB'): string {
  if (n === 0) return '0';
  for (const [name, size] of unit === 'ms' ? TIME_UNITS : MEMORY_UNITS)
    if (n % size === 0) return `${n / size}${name}`;
  return `${n}${unit}`;
}

function parseInteger(q: Parameter, value: string): number {
  const m = /^\s*([-+]?\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) throw invalid(q, value);
  const units = q.unit === 'ms' ? TIME_UNITS : q.unit === 'kB' ? MEMORY_UNITS : [];
  let scale = 1;
  if (m[2] !== '') {
    const u = units.find(([name]) => name === m[2]);
    if (!u)
      throw invalid(q, value, {
        hint:
          q.unit === 'ms'
            ? 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".'
            : q.unit === 'kB'
              ? 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".'
              : undefined,
      });
    scale = u[1];
  }
  const n = Math.round(Number(m[1]) * scale);
  if ((q.min !== undefined && n < q.min) || (q.max !== undefined && n > q.max))
    throw new DatabaseError(
      SqlState.invalidParameterValue,
      `${n}${q.unit ? ` ${q.unit}` : ''} is outside the valid range for parameter "${q.name}" (${q.min} .. ${q.max})`,
    );
  return n;
}

const BOOL_WORDS: Record<string, 'on' | 'off'> = {
  on: 'on',
  off: 'off',
  true: 'on',
  false: 'off',
  yes: 'on',
  no: 'off',
  '1': 'on',
  '0': 'off',
};

/** Checks `value` for parameter `q` and returns it as SHOW prints it; throws 22023 or 0A000. */
export function normalizeSetting(q: Parameter, value: string, previous: string): string {
  let out: string;
  if (q.type === 'bool') {
    const b = BOOL_WORDS[value.trim().toLowerCase()];
    if (b === undefined)
      throw new DatabaseError(
        SqlState.invalidParameterValue,
        `parameter "${q.name}" requires a Boolean value`,
      );
    out = b;
  } else if (q.type === 'integer') {
    const n = parseInteger(q, value);
    out = q.unit ? withUnit(n, q.unit) : String(n);
  } else if (q.type === 'enum') {
    const v = value.trim().toLowerCase();
    if (!q.values!.includes(v))
      throw invalid(q, value, { hint: `Available values: ${q.values!.join(', ')}.` });
    out = v;
  } else {
    out = q.normalize ? q.normalize.call(q, value, previous) : value;
  }
  if (q.unsupported?.includes(out))
    throw new DatabaseError(SqlState.featureNotSupported, `${q.name} = ${out} is not supported`);
  return out;
}

/** The numeric value of an integer setting in its base unit (statement_timeout in ms). */
export function settingNumber(q: Parameter, shown: string): number {
  return shown === '' ? 0 : parseInteger(q, shown);
}

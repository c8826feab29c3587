/**
 * SQL types. A type is a small read-only object with an `id`; modifiers (varchar length, numeric
 * precision and scale) ride along. Runtime values (see values.ts) depend only on the id.
 *
 * @example
 * const { columns } = await db.query('SELECT 1::bigint AS n');
 * columns[0].type.id; // 'int8'
 */
export type TypeId =
  | 'bool'
  | 'int2'
  | 'int4'
  | 'int8'
  | 'float4'
  | 'float8'
  | 'numeric'
  | 'text'
  | 'varchar'
  | 'bpchar'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'interval'
  | 'uuid'
  | 'bytea'
  | 'json'
  | 'jsonb'
  | 'oid'
  | 'regclass'
  | 'regtype'
  | 'name'
  | 'char'
  | 'array'
  | 'record'
  | 'unknown'
  // Pseudo-types, only in function signatures:
  | 'any'
  | 'anyelement'
  | 'anyarray';

/**
 * A SQL type: its id plus modifiers.
 *
 * @example
 * stmt.paramTypes; // [{ id: 'int4' }, { id: 'numeric', precision: 10, scale: 2 }]
 */
export interface SqlType {
  readonly id: TypeId;
  /** varchar(n) / bpchar(n) length. */
  readonly length?: number;
  /** numeric(p, s). */
  readonly precision?: number;
  readonly scale?: number;
  /** Element type of an array. */
  readonly elem?: SqlType;
}

const simple = (id: TypeId): SqlType => Object.freeze({ id });

export const T = {
  bool: simple('bool'),
  int2: simple('int2'),
  int4: simple('int4'),
  int8: simple('int8'),
  float4: simple('float4'),
  float8: simple('float8'),
  numeric: simple('numeric'),
  text: simple('text'),
  varchar: simple('varchar'),
  bpchar: simple('bpchar'),
  date: simple('date'),
  time: simple('time'),
  timestamp: simple('timestamp'),
  timestamptz: simple('timestamptz'),
  interval: simple('interval'),
  uuid: simple('uuid'),
  bytea: simple('bytea'),
  json: simple('json'),
  jsonb: simple('jsonb'),
  oid: simple('oid'),
  regclass: simple('regclass'),
  regtype: simple('regtype'),
  name: simple('name'),
  char: simple('char'),
  record: simple('record'),
  unknown: simple('unknown'),
  any: simple('any'),
  anyelement: simple('anyelement'),
  anyarray: simple('anyarray'),
} as const;

export function arrayOf(elem: SqlType): SqlType {
  return Object.freeze({ id: 'array', elem });
}
export function numericType(precision?: number, scale?: number): SqlType {
  if (precision === undefined) return T.numeric;
  return Object.freeze({ id: 'numeric', precision, scale: scale ?? 0 });
}
export function varcharType(length?: number): SqlType {
  return length === undefined ? T.varchar : Object.freeze({ id: 'varchar', length });
}
export function bpcharType(length?: number): SqlType {
  return length === undefined ? T.bpchar : Object.freeze({ id: 'bpchar', length });
}

export type TypeCategory = 'B' | 'N' | 'S' | 'D' | 'T' | 'U' | 'A' | 'X' | 'P';

/** PostgreSQL's typcategory: drives implicit-cast preference in function and operator resolution. */
export function typeCategory(t: SqlType): TypeCategory {
  switch (t.id) {
    case 'bool':
      return 'B';
    case 'int2':
    case 'int4':
    case 'int8':
    case 'float4':
    case 'float8':
    case 'numeric':
    case 'oid':
    case 'regclass':
    case 'regtype':
      return 'N';
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'char':
      return 'S';
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return 'D';
    case 'interval':
      return 'T';
    case 'array':
      return 'A';
    case 'unknown':
      return 'X';
    case 'record':
      return 'P';
    default:
      return 'U';
  }
}

export function isNumericType(t: SqlType): boolean {
  return typeCategory(t) === 'N';
}
export function isIntegerType(t: SqlType): boolean {
  return t.id === 'int2' || t.id === 'int4' || t.id === 'int8';
}
export function isStringType(t: SqlType): boolean {
  return typeCategory(t) === 'S';
}
export function sameType(a: SqlType, b: SqlType): boolean {
  if (a.id !== b.id) return false;
  if (a.id === 'array') return sameType(a.elem!, b.elem!);
  return true;
}

/** PostgreSQL type OIDs, for the wire protocol and the catalog. */
export const TYPE_OID: Record<TypeId, number> = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  regclass: 2205,
  regtype: 2206,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
  record: 2249,
  array: 2277,
  any: 2276,
  anyelement: 2283,
  anyarray: 2277,
};

const ARRAY_OID: Partial<Record<TypeId, number>> = {
  bool: 1000,
  bytea: 1001,
  int2: 1005,
  int4: 1007,
  int8: 1016,
  text: 1009,
  varchar: 1015,
  bpchar: 1014,
  float4: 1021,
  float8: 1022,
  numeric: 1231,
  date: 1182,
  timestamp: 1115,
  timestamptz: 1185,
  interval: 1187,
  uuid: 2951,
  json: 199,
  jsonb: 3807,
};

export function typeOid(t: SqlType): number {
  if (t.id === 'array') return ARRAY_OID[t.elem!.id] ?? 2277;
  return TYPE_OID[t.id];
}

/** The type's name as PostgreSQL's format_type prints it (e.g. `character varying(10)`). */
export function typeName(t: SqlType): string {
  switch (t.id) {
    case 'bool':
      return 'boolean';
    case 'int2':
      return 'smallint';
    case 'int4':
      return 'integer';
    case 'int8':
      return 'bigint';
    case 'float4':
      return 'real';
    case 'float8':
      return 'double precision';
    case 'numeric':
      return t.precision !== undefined ? `numeric(${t.precision},${t.scale ?? 0})` : 'numeric';
    case 'varchar':
      return t.length !== undefined ? `character varying(${t.length})` : 'character varying';
    case 'bpchar':
      return t.length !== undefined ? `character(${t.length})` : 'bpchar';
    case 'timestamp':
      return 'timestamp without time zone';
    case 'timestamptz':
      return 'timestamp with time zone';
    case 'time':
      return 'time without time zone';
    case 'char':
      return '"char"';
    case 'array':
      return `${typeName(t.elem!)}[]`;
    default:
      return t.id;
  }
}

/** Resolves a type name as written in SQL (after libpg-query's normalisation, e.g. `int4`). */
export function typeFromName(name: string, mods: number[] = []): SqlType | undefined {
  switch (name.toLowerCase()) {
    case 'bool':
    case 'boolean':
      return T.bool;
    case 'int2':
    case 'smallint':
      return T.int2;
    case 'int':
    case 'int4':
    case 'integer':
    case 'signed':
      return T.int4;
    case 'int8':
    case 'bigint':
      return T.int8;
    case 'float4':
    case 'real':
      return T.float4;
    case 'float8':
    case 'double precision':
    case 'float':
      return T.float8;
    case 'numeric':
    case 'decimal':
      return numericType(mods[0], mods[1]);
    case 'text':
      return T.text;
    case 'varchar':
    case 'character varying':
      return varcharType(mods[0]);
    case 'bpchar':
    case 'char':
    case 'character':
      return bpcharType(mods[0] ?? (name === 'bpchar' ? undefined : 1));
    case 'date':
      return T.date;
    case 'time':
      return T.time;
    case 'timestamp':
      return T.timestamp;
    case 'timestamptz':
      return T.timestamptz;
    case 'interval':
      return T.interval;
    case 'uuid':
      return T.uuid;
    case 'bytea':
      return T.bytea;
    case 'json':
      return T.json;
    case 'jsonb':
      return T.jsonb;
    case 'oid':
      return T.oid;
    case 'regclass':
      return T.regclass;
    case 'regtype':
      return T.regtype;
    // Other object-identifier types are read as plain oids.
    case 'regnamespace':
    case 'regproc':
    case 'regprocedure':
    case 'regrole':
    case 'regoper':
    case 'regoperator':
    case 'regconfig':
      return T.oid;
    case 'name':
      return T.name;
    case 'record':
      return T.record;
    case 'unknown':
      return T.unknown;
    default:
      return undefined;
  }
}

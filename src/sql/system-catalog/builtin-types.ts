import { T, arrayOf, typeCategory, typeFromName, typeOid, type SqlType } from '../../types/types.js';

/** A built-in type as pg_type lists it. */
export interface BuiltinType {
  readonly oid: number;
  readonly name: string;
  readonly type: SqlType;
  /** typlen: bytes, -1 variable length, -2 C string. */
  readonly len: number;
  /** typtype: 'b' base, 'p' pseudo-type. */
  readonly kind: 'b' | 'p';
  /** Oid of the array type over this one (0 for none); for an array type, its element's oid. */
  readonly array: number;
  readonly elem: number;
}

const BASE: [string, SqlType, number][] = [
  ['bool', T.bool, 1],
  ['bytea', T.bytea, -1],
  ['char', T.char, 1],
  ['name', T.name, 64],
  ['int8', T.int8, 8],
  ['int2', T.int2, 2],
  ['int4', T.int4, 4],
  ['text', T.text, -1],
  ['oid', T.oid, 4],
  ['json', T.json, -1],
  ['float4', T.float4, 4],
  ['float8', T.float8, 8],
  ['unknown', T.unknown, -2],
  ['bpchar', T.bpchar, -1],
  ['varchar', T.varchar, -1],
  ['date', T.date, 4],
  ['time', T.time, 8],
  ['timestamp', T.timestamp, 8],
  ['timestamptz', T.timestamptz, 8],
  ['interval', T.interval, 16],
  ['numeric', T.numeric, -1],
  ['regclass', T.regclass, 4],
  ['regtype', T.regtype, 4],
  ['uuid', T.uuid, 16],
  ['jsonb', T.jsonb, -1],
];
const PSEUDO: [string, SqlType, number][] = [
  ['record', T.record, -1],
  ['any', T.any, 4],
  ['anyarray', T.anyarray, -1],
  ['anyelement', T.anyelement, 4],
];

function build(): BuiltinType[] {
  const out: BuiltinType[] = [];
  for (const [name, type, len] of BASE) {
    const arr = typeOid(arrayOf(type));
    const array = arr === 2277 ? 0 : arr;
    out.push({ oid: typeOid(type), name, type, len, kind: 'b', array, elem: 0 });
    if (array)
      out.push({
        oid: array,
        name: `_${name}`,
        type: arrayOf(type),
        len: -1,
        kind: 'b',
        array: 0,
        elem: typeOid(type),
      });
  }
  for (const [name, type, len] of PSEUDO)
    out.push({ oid: typeOid(type), name, type, len, kind: 'p', array: 0, elem: 0 });
  return out;
}

/** Every type pg_type lists, in oid order. */
export const BUILTIN_TYPES: readonly BuiltinType[] = build().sort((a, b) => a.oid - b.oid);
const BY_OID = new Map(BUILTIN_TYPES.map((t) => [t.oid, t]));

export function builtinTypeByOid(oid: number): BuiltinType | undefined {
  return BY_OID.get(oid);
}

/** pg_type.typcategory. */
export function typCategory(t: BuiltinType): string {
  const c = typeCategory(t.type);
  if (c === 'X' || c === 'P') return t.kind === 'p' ? 'P' : 'X';
  if (t.type.id === 'json' || t.type.id === 'jsonb' || t.type.id === 'uuid' || t.type.id === 'bytea')
    return 'U';
  if (t.type.id === 'oid' || t.type.id === 'regclass' || t.type.id === 'regtype') return 'N';
  if (t.type.id === 'char' || t.type.id === 'name') return 'S';
  return c;
}

/** atttypmod of a column type: PostgreSQL's encoding of varchar length and numeric precision. */
export function typmodOf(t: SqlType): number {
  if ((t.id === 'varchar' || t.id === 'bpchar') && t.length !== undefined) return t.length + 4;
  if (t.id === 'numeric' && t.precision !== undefined) return ((t.precision << 16) | (t.scale ?? 0)) + 4;
  return -1;
}

/** The type an oid and typmod stand for (format_type), or undefined for an unknown oid. */
export function typeFromOid(oid: number, typmod: number | null): SqlType | undefined {
  const b = BY_OID.get(oid);
  if (!b) return undefined;
  const t = b.type;
  if (typmod === null || typmod < 4) return t;
  if (t.id === 'varchar' || t.id === 'bpchar') return { id: t.id, length: typmod - 4 };
  if (t.id === 'numeric')
    return { id: 'numeric', precision: (typmod - 4) >> 16, scale: (typmod - 4) & 0xffff };
  return t;
}

/** The oid of a type named as in `'int4'::regtype` (`integer`, `varchar`, `_int4`, `int4[]`). */
export function typeOidByName(name: string): number | undefined {
  let s = name
    .trim()
    .toLowerCase()
    .replace(/^pg_catalog\./, '')
    .replace(/^"(.*)"$/, '$1');
  let array = false;
  if (s.endsWith('[]')) {
    array = true;
    s = s.slice(0, -2).trim();
  }
  const named = BUILTIN_TYPES.find((b) => b.name === s);
  const t = named?.type ?? (s === 'char' ? T.char : typeFromName(s.replace(/\(.*\)$/, '')));
  if (!t) return undefined;
  const oid = typeOid(array ? arrayOf(t) : t);
  return BY_OID.has(oid) ? oid : undefined;
}

import { DatabaseError, SqlState } from '../errors.js';
import type { ColumnDef } from './table.js';
import { Table, allocateOid } from './table.js';

/** A (non-materialized) view: its defining query is re-bound wherever it is referenced. */
export interface ViewDef {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly sql: string;
  /** Output column names (from the column list or the query's targets). */
  readonly columnNames: readonly string[];
  /** The parsed SelectStmt (libpg-query JSON). */
  readonly query: unknown;
}

export class Schema {
  readonly oid: number;
  readonly name: string;
  readonly tables = new Map<string, Table>();
  readonly views = new Map<string, ViewDef>();

  constructor(name: string, oid = allocateOid()) {
    this.name = name;
    this.oid = oid;
  }
}

/** Schemas, tables and views. Names are already case-folded by the parser. */
export class Catalog {
  readonly schemas = new Map<string, Schema>();
  /**
   * Bumped by every change to the catalog (DDL, and the undo of DDL). Prepared statements keep
   * their bound plan while it is unchanged and bind again when it moves.
   */
  version = 0;

  constructor() {
    this.schemas.set('public', new Schema('public', 2200));
  }

  /** Records a change to schemas, relations or columns (see `version`). */
  changed(): void {
    this.version++;
  }

  schema(name: string): Schema {
    const s = this.schemas.get(name);
    if (!s) throw new DatabaseError(SqlState.undefinedSchema, `schema "${name}" does not exist`);
    return s;
  }

  createSchema(name: string, ifNotExists: boolean): void {
    if (this.schemas.has(name)) {
      if (ifNotExists) return;
      throw new DatabaseError(SqlState.duplicateSchema, `schema "${name}" already exists`);
    }
    this.schemas.set(name, new Schema(name));
  }

  /** Finds a relation (table or view) along the search path. */
  findRelation(
    name: string,
    schemaName: string | undefined,
    searchPath: readonly string[],
  ): Table | ViewDef | undefined {
    if (schemaName !== undefined) {
      const s = this.schemas.get(schemaName);
      return s?.tables.get(name) ?? s?.views.get(name);
    }
    for (const sp of searchPath) {
      const s = this.schemas.get(sp);
      const r = s?.tables.get(name) ?? s?.views.get(name);
      if (r) return r;
    }
    return undefined;
  }

  createTable(
    schemaName: string,
    name: string,
    columns: ColumnDef[],
    ifNotExists: boolean,
  ): Table | undefined {
    const s = this.schema(schemaName);
    if (s.tables.has(name) || s.views.has(name)) {
      if (ifNotExists) return undefined;
      throw new DatabaseError(SqlState.duplicateTable, `relation "${name}" already exists`);
    }
    const t = new Table(schemaName, name, columns);
    s.tables.set(name, t);
    return t;
  }

  createView(def: Omit<ViewDef, 'oid'>, orReplace: boolean): ViewDef {
    const s = this.schema(def.schema);
    if (s.tables.has(def.name))
      throw new DatabaseError(SqlState.wrongObjectType, `"${def.name}" is not a view`);
    if (s.views.has(def.name) && !orReplace) {
      throw new DatabaseError(SqlState.duplicateTable, `relation "${def.name}" already exists`);
    }
    const view: ViewDef = { ...def, oid: s.views.get(def.name)?.oid ?? allocateOid() };
    s.views.set(def.name, view);
    return view;
  }

  allTables(): Table[] {
    const out: Table[] = [];
    for (const s of this.schemas.values()) out.push(...s.tables.values());
    return out;
  }
}

export function isTable(r: Table | ViewDef): r is Table {
  return r instanceof Table;
}

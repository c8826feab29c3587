import { DatabaseError, SqlState } from '../errors.js';
import type { ColumnDef } from './table.js';
import { Table, allocateOid } from './table.js';
import { LockTable, relationKey, schemaKey, type LockOwner } from './locks.js';

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

/** Name resolution as one transaction sees the catalog (see `Catalog.reader`). */
export interface RelationSource {
  findRelation(
    name: string,
    schemaName: string | undefined,
    searchPath: readonly string[],
  ): Table | ViewDef | undefined;
}

/**
 * Schemas, tables and views. Names are already case-folded by the parser. DDL changes these maps
 * in place under `locks`; lookups pass the transaction looking (`viewer`, null outside one) so that
 * names another transaction has locked are hidden or busy (55P03, which the session waits out).
 */
export class Catalog {
  readonly schemas = new Map<string, Schema>();
  readonly locks = new LockTable();
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

  /** The schema `name` as `viewer` sees it (see the class comment). */
  schema(name: string, viewer: LockOwner | null = null): Schema {
    const s =
      this.locks.check(schemaKey(name), viewer, `schema "${name}"`) === 'hidden'
        ? undefined
        : this.schemas.get(name);
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

  /** Finds a relation (table or view) along the search path, as `viewer` sees the catalog. */
  findRelation(
    name: string,
    schemaName: string | undefined,
    searchPath: readonly string[],
    viewer: LockOwner | null,
  ): Table | ViewDef | undefined {
    for (const sp of schemaName !== undefined ? [schemaName] : searchPath) {
      if (this.locks.check(schemaKey(sp), viewer, `schema "${sp}"`) === 'hidden') continue;
      if (this.locks.check(relationKey(sp, name), viewer, `relation "${name}"`) === 'hidden') continue;
      const s = this.schemas.get(sp);
      const r = s?.tables.get(name) ?? s?.views.get(name);
      if (r) return r;
    }
    return undefined;
  }

  /** Name resolution for the binder, as `viewer` sees the catalog. */
  reader(viewer: LockOwner | null): RelationSource {
    return { findRelation: (name, schemaName, path) => this.findRelation(name, schemaName, path, viewer) };
  }

  createTable(
    schemaName: string,
    name: string,
    columns: ColumnDef[],
    ifNotExists: boolean,
  ): Table | undefined {
    const s = this.schemas.get(schemaName);
    if (!s) throw new DatabaseError(SqlState.undefinedSchema, `schema "${schemaName}" does not exist`);
    if (s.tables.has(name) || s.views.has(name)) {
      if (ifNotExists) return undefined;
      throw new DatabaseError(SqlState.duplicateTable, `relation "${name}" already exists`);
    }
    const t = new Table(schemaName, name, columns);
    s.tables.set(name, t);
    return t;
  }

  createView(def: Omit<ViewDef, 'oid'>, orReplace: boolean): ViewDef {
    const s = this.schemas.get(def.schema);
    if (!s) throw new DatabaseError(SqlState.undefinedSchema, `schema "${def.schema}" does not exist`);
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

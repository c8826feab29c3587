import { DatabaseError, SqlState } from '../../errors.js';
import type { Field, LogicalPlan } from '../../plan/logical.js';

/** A CTE visible to a query: bound once; referenced by id. */
export interface CteBinding {
  readonly name: string;
  plan: LogicalPlan | null;
  readonly id: number;
  readonly columnNames: readonly string[] | null;
  /** For WITH RECURSIVE while its recursive term is bound: the work table's fields. */
  workFields: readonly Field[] | null;
  refCount: number;
  readonly ast: unknown;
  readonly recursive: boolean;
}

/**
 * Name resolution for one query level: the fields its FROM clause produces, the CTEs in reach, and
 * the enclosing query level (for correlated references).
 */
export class Scope {
  fields: Field[] = [];
  /** Set when an expression of this level (or a nested one) referenced an enclosing level. */
  correlated = false;
  readonly ctes = new Map<string, CteBinding>();

  constructor(readonly parent: Scope | null) {}

  findCte(name: string): CteBinding | undefined {
    const own = this.ctes.get(name);
    return own ?? this.parent?.findCte(name);
  }

  /** Index of a column in this level, or -1; throws 42702 when ambiguous. */
  lookup(name: string, qualifier: string | undefined): number {
    let found = -1;
    for (let i = 0; i < this.fields.length; i++) {
      const f = this.fields[i]!;
      if (f.name !== name || (f.hidden && !(f.qualifiedOnly && qualifier !== undefined))) continue;
      if (qualifier !== undefined && f.qualifier !== qualifier) continue;
      if (found >= 0) {
        throw new DatabaseError(SqlState.ambiguousColumn, `column reference "${name}" is ambiguous`);
      }
      found = i;
    }
    return found;
  }

  hasQualifier(q: string): boolean {
    return this.fields.some((f) => f.qualifier === q);
  }
}

/**
 * ASC/DESC and NULLS FIRST/LAST of a parsed SortBy node; NULLs sort as if larger than every value
 * unless told otherwise (first under DESC), as in PostgreSQL.
 */
export function sortOrder(sb: { sortby_dir?: string; sortby_nulls?: string }): {
  desc: boolean;
  nullsFirst: boolean;
} {
  const desc = sb.sortby_dir === 'SORTBY_DESC';
  const nulls = sb.sortby_nulls;
  return {
    desc,
    nullsFirst: nulls === 'SORTBY_NULLS_FIRST' ? true : nulls === 'SORTBY_NULLS_LAST' ? false : desc,
  };
}

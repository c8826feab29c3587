import { DatabaseError, SqlState } from '../errors.js';
import { canCoerce } from '../sql/binder/coerce.js';
import { bindTypeName } from '../sql/binder/expr-binder.js';
import { castValue } from '../types/cast.js';
import { T, typeName } from '../types/types.js';
import type { Value } from '../types/values.js';
import { PreparedStatement, type PreparedHost } from './prepared.js';
import type { StatementResult } from './session.js';

type Node = any;

const PREPARABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

const tag = (command: string): StatementResult => ({ command, columns: [], rows: [], rowCount: 0 });

/**
 * A session's SQL-level prepared statements: PREPARE name [(types)] AS statement, EXECUTE
 * name(args), DEALLOCATE [PREPARE] {name | ALL}. Like PostgreSQL's, they are not transactional:
 * a ROLLBACK does not undo a PREPARE.
 */
export class SqlPreparedStatements {
  private readonly byName = new Map<string, PreparedStatement>();

  /**
   * A statement by name. The protocol's named statements (Parse) live here too: as in PostgreSQL,
   * they share one namespace with PREPARE, so DEALLOCATE and EXECUTE reach them.
   */
  get(name: string): PreparedStatement | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Adds a named statement; fails with 42P05 when the name is taken. */
  add(name: string, p: PreparedStatement): void {
    if (this.byName.has(name))
      throw new DatabaseError(
        SqlState.duplicatePreparedStatement,
        `prepared statement "${name}" already exists`,
      );
    this.byName.set(name, p);
  }

  delete(name: string): void {
    this.byName.delete(name);
  }

  prepare(host: PreparedHost, s: Node): StatementResult {
    const name = String(s.name);
    if (this.byName.has(name))
      throw new DatabaseError(
        SqlState.duplicatePreparedStatement,
        `prepared statement "${name}" already exists`,
      );
    const kind = Object.keys(s.query)[0]!;
    if (!PREPARABLE.has(kind))
      throw new DatabaseError(
        SqlState.syntaxError,
        `cannot prepare a ${kind.replace(/Stmt$/, '')} statement`,
      );
    const declared = ((s.argtypes ?? []) as Node[]).map((n) => bindTypeName(n.TypeName ?? n));
    this.byName.set(name, new PreparedStatement(host, s.query, name, declared));
    return tag('PREPARE');
  }

  deallocate(s: Node): StatementResult {
    if (s.isall === true || s.name === undefined) {
      this.byName.clear();
      return tag('DEALLOCATE ALL');
    }
    const name = String(s.name);
    if (!this.byName.delete(name))
      throw new DatabaseError(
        SqlState.invalidSqlStatementName,
        `prepared statement "${name}" does not exist`,
      );
    return tag('DEALLOCATE');
  }

  /** EXECUTE name(args): the arguments are evaluated, cast to the parameter types, then the statement runs. */
  async execute(host: PreparedHost, s: Node): Promise<StatementResult> {
    const name = String(s.name);
    const p = this.byName.get(name);
    if (!p)
      throw new DatabaseError(
        SqlState.invalidSqlStatementName,
        `prepared statement "${name}" does not exist`,
      );
    const args = (s.params ?? []) as Node[];
    if (args.length !== p.paramTypes.length) {
      throw new DatabaseError(
        SqlState.syntaxError,
        `wrong number of parameters for prepared statement "${name}"`,
        {
          detail: `Expected ${p.paramTypes.length} parameters but got ${args.length}.`,
        },
      );
    }
    if (args.length === 0) return p.execute([]);
    const evaluated = await host.executeBound(
      { SelectStmt: { targetList: args.map((a) => ({ ResTarget: { val: a } })) } },
      [],
      [],
    );
    const row = evaluated.rows[0]!;
    const fc = host.functionContext(Date.now() * 1000);
    const values = p.paramTypes.map((to, i): Value => {
      const from = evaluated.columns[i]!.type;
      const v = row[i] ?? null;
      if (v === null) return null;
      if (from.id === 'unknown') return castValue(v, T.text, to, fc, false);
      if (!canCoerce(from, to, 'assignment'))
        throw new DatabaseError(
          SqlState.datatypeMismatch,
          `parameter $${i + 1} of type ${typeName(from)} cannot be coerced to the expected type ${typeName(to)}`,
          { hint: 'You will need to rewrite or cast the expression.' },
        );
      return castValue(v, from, to, fc, false);
    });
    return p.execute(values);
  }
}

type Node = any;

const SVF: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'CURRENT_DATE',
  SVFOP_CURRENT_TIME: 'CURRENT_TIME',
  SVFOP_CURRENT_TIME_N: 'CURRENT_TIME',
  SVFOP_CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  SVFOP_CURRENT_TIMESTAMP_N: 'CURRENT_TIMESTAMP',
  SVFOP_LOCALTIME: 'LOCALTIME',
  SVFOP_LOCALTIMESTAMP: 'LOCALTIMESTAMP',
  SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_SESSION_USER: 'SESSION_USER',
  SVFOP_USER: 'USER',
};

const names = (l: Node[] | undefined): string[] => (l ?? []).map((n) => n?.String?.sval ?? '');

function constText(c: Node): string {
  if (c.isnull) return 'NULL';
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.fval) return String(c.fval.fval);
  if (c.boolval) return c.boolval.boolval ? 'true' : 'false';
  if (c.sval) return `'${String(c.sval.sval ?? '').replace(/'/g, "''")}'`;
  if (c.bsval) return `B'${String(c.bsval.bsval).slice(1)}'`;
  return 'NULL';
}

/**
 * SQL text of an expression AST, for display (pg_get_expr, column_default). Covers what DEFAULT
 * clauses hold: constants, casts, function calls, operators, special values like CURRENT_TIMESTAMP.
 */
export function deparseExpr(n: Node): string {
  const key = Object.keys(n ?? {})[0];
  const v = key !== undefined ? n[key] : undefined;
  switch (key) {
    case 'A_Const':
      return constText(v);
    case 'Integer':
      return String(v.ival ?? 0);
    case 'TypeCast': {
      const tn = v.typeName;
      const mods = (tn.typmods ?? []).map((m: Node) => deparseExpr(m));
      const type = names(tn.names)
        .filter((s) => s !== 'pg_catalog')
        .join('.');
      const arr = tn.arrayBounds?.length ? '[]' : '';
      return `${deparseExpr(v.arg)}::${type}${mods.length ? `(${mods.join(',')})` : ''}${arr}`;
    }
    case 'FuncCall': {
      const args = (v.args ?? []).map(deparseExpr).join(', ');
      return `${names(v.funcname).join('.')}(${v.agg_star ? '*' : args})`;
    }
    case 'A_Expr': {
      const op = names(v.name).pop() ?? '?';
      if (!v.lexpr) return `${op}${deparseExpr(v.rexpr)}`;
      return `(${deparseExpr(v.lexpr)} ${op} ${deparseExpr(v.rexpr)})`;
    }
    case 'ColumnRef':
      return (v.fields ?? []).map((f: Node) => (f.A_Star ? '*' : f.String?.sval)).join('.');
    case 'SQLValueFunction':
      return SVF[v.op] ?? 'CURRENT_TIMESTAMP';
    case 'A_ArrayExpr':
      return `ARRAY[${(v.elements ?? []).map(deparseExpr).join(', ')}]`;
    case 'BoolExpr': {
      const args = (v.args ?? []).map(deparseExpr);
      if (v.boolop === 'NOT_EXPR') return `NOT ${args[0]}`;
      return `(${args.join(v.boolop === 'AND_EXPR' ? ' AND ' : ' OR ')})`;
    }
    default:
      return key ?? '';
  }
}

/** Display text of a stored DEFAULT (kept as SQL text or as a serialised AST). */
export function defaultText(stored: string): string {
  return stored.startsWith('__ast__') ? deparseExpr(JSON.parse(stored.slice(7))) : stored;
}

import { DatabaseError, SqlState } from '../errors.js';
import { str } from '../sql/binder/expr-binder.js';
import { T } from '../types/types.js';
import type { StatementResult } from './session.js';
import type { SessionSettings, SettingsBlock } from './settings.js';

type Node = any;

const tag = (command: string): StatementResult => ({ command, columns: [], rows: [], rowCount: 0 });

/** A SET argument as text: a string, number, or `INTERVAL '...'` for SET TIME ZONE. */
function argText(a: Node): string {
  const c = a.A_Const;
  if (c?.sval) return c.sval.sval as string;
  if (c?.ival) return String(c.ival.ival ?? 0);
  if (c?.fval) return c.fval.fval as string;
  if (c?.boolval) return c.boolval.boolval === true ? 'on' : 'off';
  if (c?.isnull) throw new DatabaseError(SqlState.invalidParameterValue, 'SET requires a non-null value');
  if (a.TypeCast) return argText(a.TypeCast.arg);
  return str(a);
}

/**
 * Transaction characteristics (`SET TRANSACTION ...`, `BEGIN ISOLATION LEVEL ...`, and with
 * `session` the defaults of `SET SESSION CHARACTERISTICS AS TRANSACTION ...`).
 */
export function applyTransactionOptions(
  options: readonly Node[],
  settings: SessionSettings,
  block: SettingsBlock,
  session = false,
): void {
  for (const o of options) {
    const d = o.DefElem;
    if (d.defname === 'transaction_deferrable') continue;
    const v = d.defname === 'transaction_isolation' ? argText(d.arg) : argText(d.arg) === '0' ? 'off' : 'on';
    settings.set(session ? `default_${d.defname}` : d.defname, v, !session, block);
  }
}

/** SET, SET LOCAL, RESET, RESET ALL and their spellings (SET TIME ZONE, SET NAMES, SET SCHEMA). */
export function setStatement(s: Node, settings: SessionSettings, block: SettingsBlock): StatementResult {
  const name = String(s.name ?? '');
  switch (s.kind) {
    case 'VAR_RESET_ALL':
      settings.resetAll(block);
      return tag('RESET');
    case 'VAR_RESET':
    case 'VAR_SET_DEFAULT':
      // RESET SESSION AUTHORIZATION: the session's user is the only one it has.
      if (name !== 'session_authorization') settings.reset(name, block);
      return tag(s.kind === 'VAR_RESET' ? 'RESET' : 'SET');
    case 'VAR_SET_MULTI':
      if (name === 'TRANSACTION' && !block) return tag('SET');
      applyTransactionOptions(s.args ?? [], settings, block, name === 'SESSION CHARACTERISTICS');
      return tag('SET');
    case 'VAR_SET_VALUE':
      settings.set(name, ((s.args ?? []) as Node[]).map(argText).join(', '), s.is_local === true, block);
      return tag('SET');
    default:
      throw new DatabaseError(SqlState.featureNotSupported, `SET ${String(s.kind)} is not supported`);
  }
}

/** SHOW name, SHOW ALL. */
export function showStatement(s: Node, settings: SessionSettings): StatementResult {
  const name = String(s.name);
  if (name.toLowerCase() === 'all') {
    const rows = settings.all();
    return {
      command: 'SHOW',
      columns: ['name', 'setting', 'description'].map((n) => ({ name: n, type: T.text })),
      rows,
      rowCount: rows.length,
    };
  }
  const v = settings.show(name);
  return { command: 'SHOW', columns: [{ name: v.name, type: T.text }], rows: [[v.value]], rowCount: 1 };
}

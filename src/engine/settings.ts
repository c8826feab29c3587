import { DatabaseError, SqlState } from '../errors.js';
import {
  PARAMETERS,
  isCustomParameter,
  normalizeSetting,
  settingNumber,
  type Parameter,
} from '../sql/config/parameters.js';

/** The open transaction block's undo log (Transaction), or null outside a block. */
export type SettingsBlock = { onRollback(undo: () => void): void } | null;

/** Parameters that belong to the current transaction: SET on them acts as SET LOCAL. */
const TRANSACTION_SCOPED = new Set(['transaction_isolation', 'transaction_read_only']);

/**
 * A session's configuration parameters with PostgreSQL's semantics: values are checked and
 * normalized per parameter; inside a transaction block a SET is undone by ROLLBACK (or by ROLLBACK
 * TO a savepoint before it) and a SET LOCAL lasts until the block ends; RESET returns to the value
 * the session started with (its startup packet, else the built-in default).
 *
 * @example
 * const s = new SessionSettings();
 * s.set('DateStyle', 'German', false, null);
 * s.get('datestyle'); // 'German, DMY'
 */
export class SessionSettings {
  /** Current values by lower-case name: what current_setting(), pg_settings and the wire server read. */
  readonly values = new Map<string, string>();
  private readonly resetValues = new Map<string, string>();
  /** Values that SET LOCAL replaced in the open block, restored when the block ends. */
  private readonly saved = new Map<string, string | undefined>();

  constructor() {
    for (const [key, q] of PARAMETERS) {
      const v = q.type === 'integer' ? normalizeSetting(q, q.boot, q.boot) : q.boot;
      this.values.set(key, v);
      this.resetValues.set(key, v);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase());
  }

  /** statement_timeout in milliseconds (0: none). */
  get statementTimeoutMs(): number {
    return settingNumber(PARAMETERS.get('statement_timeout')!, this.values.get('statement_timeout') ?? '0');
  }

  /** lock_timeout in milliseconds (0: wait as long as it takes). */
  get lockTimeoutMs(): number {
    return settingNumber(PARAMETERS.get('lock_timeout')!, this.values.get('lock_timeout') ?? '0');
  }

  /**
   * A value from the client's startup packet, which RESET then returns to. Checked like SET (an
   * invalid value throws); names that are not parameters (user, database, options) are ignored,
   * and so is a client_encoding other than UTF8.
   */
  initial(name: string, value: string): void {
    const key = name.toLowerCase();
    const q = PARAMETERS.get(key);
    if (q?.context === 'internal' || (!q && !isCustomParameter(key))) return;
    // psql in a non-UTF8 locale asks for its locale's encoding; it is told UTF8 (ParameterStatus)
    // and follows, rather than being turned away.
    if (key === 'client_encoding' && !/^(utf-?8|unicode)$/i.test(value.trim())) return;
    const v = q ? normalizeSetting(q, value, this.values.get(key) ?? q.boot) : value;
    this.values.set(key, v);
    this.resetValues.set(key, v);
  }

  /** Sets a read-only parameter from the server's side (is_superuser, session_authorization). */
  preset(name: string, value: string): void {
    this.values.set(name, value);
    this.resetValues.set(name, value);
  }

  /** SET [LOCAL] name = value, set_config(). Outside a block, SET LOCAL has no effect (as in PostgreSQL). */
  set(name: string, value: string, local: boolean, block: SettingsBlock): void {
    const key = name.toLowerCase();
    const q = this.settable(name);
    const scoped = TRANSACTION_SCOPED.has(key);
    if ((local || scoped) && !block) {
      if (q) normalizeSetting(q, value, this.values.get(key) ?? q.boot);
      return;
    }
    const v = q ? normalizeSetting(q, value, this.values.get(key) ?? q.boot) : value;
    this.assign(key, v, local || scoped, block);
  }

  /** RESET name / SET name TO DEFAULT. */
  reset(name: string, block: SettingsBlock): void {
    const key = name.toLowerCase();
    this.settable(name);
    if (TRANSACTION_SCOPED.has(key)) {
      if (block) this.assign(key, this.defaultForTransaction(key), true, block);
      return;
    }
    this.assign(key, this.resetValues.get(key) ?? '', false, block);
  }

  /** RESET ALL: every settable parameter back to its session start value. */
  resetAll(block: SettingsBlock): void {
    for (const key of [...this.values.keys()]) {
      const q = PARAMETERS.get(key);
      if (q?.context === 'internal' || TRANSACTION_SCOPED.has(key)) continue;
      const v = this.resetValues.get(key) ?? '';
      if (this.values.get(key) !== v) this.assign(key, v, false, block);
    }
  }

  /** SHOW name: the display name (TimeZone, DateStyle) and the value; 42704 when not set. */
  show(name: string): { name: string; value: string } {
    const key = name.toLowerCase();
    const v = this.values.get(key);
    if (v === undefined) throw unrecognized(name);
    return { name: PARAMETERS.get(key)?.name ?? key, value: v };
  }

  /** SHOW ALL: name, setting and description of every built-in parameter, by name. */
  all(): string[][] {
    return [...PARAMETERS.values()]
      .map((q) => [q.name, this.values.get(q.name.toLowerCase()) ?? '', q.description])
      .sort(([a], [b]) => (a!.toLowerCase() < b!.toLowerCase() ? -1 : 1));
  }

  /** The transaction block ended: SET LOCAL values go back; per-transaction parameters start afresh. */
  endTransaction(committed: boolean): void {
    if (committed)
      for (const [key, v] of this.saved) {
        if (v === undefined) this.values.delete(key);
        else this.values.set(key, v);
      }
    this.saved.clear();
    for (const key of TRANSACTION_SCOPED) this.values.set(key, this.defaultForTransaction(key));
  }

  private defaultForTransaction(key: string): string {
    return this.values.get(`default_${key}`) ?? PARAMETERS.get(key)!.boot;
  }

  /** The parameter `name` names, undefined for a custom one; throws if it cannot be set. */
  private settable(name: string): Parameter | undefined {
    const key = name.toLowerCase();
    const q = PARAMETERS.get(key);
    if (!q && !isCustomParameter(key)) throw unrecognized(name);
    if (q?.context === 'internal')
      throw new DatabaseError(SqlState.cantChangeRuntimeParam, `parameter "${q.name}" cannot be changed`);
    return q;
  }

  private assign(key: string, v: string, local: boolean, block: SettingsBlock): void {
    const before = this.values.get(key);
    if (block) {
      const hadSaved = this.saved.has(key);
      const savedBefore = this.saved.get(key);
      if (local && !hadSaved) this.saved.set(key, before);
      // A plain SET after SET LOCAL is the value the block's end keeps.
      if (!local && hadSaved) this.saved.set(key, v);
      block.onRollback(() => {
        if (before === undefined) this.values.delete(key);
        else this.values.set(key, before);
        if (hadSaved) this.saved.set(key, savedBefore);
        else this.saved.delete(key);
      });
    }
    this.values.set(key, v);
    if (!block && key.startsWith('default_') && TRANSACTION_SCOPED.has(key.slice(8)))
      this.values.set(key.slice(8), v);
  }
}

function unrecognized(name: string): DatabaseError {
  return new DatabaseError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
}

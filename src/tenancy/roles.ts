import { DatabaseError, SqlState } from '../errors.js';
import { isMd5Secret, md5Secret, parseScramVerifier, randomPassword, scramVerifier } from './passwords.js';

type Node = any;

/** A login role. `secrets` are stored password forms; only the first is persisted. */
export interface Role {
  readonly name: string;
  login: boolean;
  secrets: string[];
}

/** The bootstrap superuser every server has. */
export const ADMIN_ROLE = 'admin';

/**
 * Roles and their password secrets (never passwords), changed by CREATE/ALTER/DROP ROLE. With a
 * data directory they persist through the write-ahead log: statements log the roles at commit,
 * `setSecrets` (outside transactions) through `onChange`.
 *
 * @example
 * const roles = new RoleStore();
 * roles.setSecrets('admin', [scramVerifier('secret')]);
 * roles.get('admin')?.secrets; // ['SCRAM-SHA-256$4096:...']
 */
export class RoleStore {
  private readonly roles = new Map<string, Role>([
    [ADMIN_ROLE, { name: ADMIN_ROLE, login: true, secrets: [] }],
  ]);
  /** Called after a change made outside a transaction (setSecrets). */
  onChange: (() => void) | null = null;

  /** Every role, copied (for the write-ahead log and checkpoints). */
  export(): Role[] {
    return [...this.roles.values()].map((r) => ({ name: r.name, login: r.login, secrets: [...r.secrets] }));
  }

  /** Replaces every role with `roles` (recovery). */
  import(roles: readonly Role[]): void {
    this.roles.clear();
    for (const r of roles) this.roles.set(r.name, { name: r.name, login: r.login, secrets: [...r.secrets] });
  }

  get(name: string): Role | undefined {
    return this.roles.get(name);
  }

  /** Whether any role has a password (servers without one default to trust authentication). */
  get hasPasswords(): boolean {
    return [...this.roles.values()].some((r) => r.secrets.length > 0);
  }

  /** Sets a role's secrets directly (the admin password from the environment or a generated one). */
  setSecrets(name: string, secrets: string[]): void {
    const r = this.roles.get(name);
    if (r) r.secrets = secrets;
    else this.roles.set(name, { name, login: true, secrets });
    this.onChange?.();
  }

  /**
   * Runs CreateRoleStmt, AlterRoleStmt or DropRoleStmt; returns the command tag. `onRollback`
   * registers the undo for when the enclosing transaction rolls back.
   */
  execute(kind: string, s: Node, encryption: string, onRollback: (undo: () => void) => void): string {
    const before = new Map([...this.roles].map(([k, r]) => [k, { ...r, secrets: [...r.secrets] }]));
    onRollback(() => {
      this.roles.clear();
      for (const [k, r] of before) this.roles.set(k, r);
    });
    return this.apply(kind, s, encryption);
  }

  private apply(kind: string, s: Node, encryption: string): string {
    switch (kind) {
      case 'CreateRoleStmt': {
        const name: string = s.role;
        if (this.roles.has(name))
          throw new DatabaseError(SqlState.duplicateObject, `role "${name}" already exists`);
        const role: Role = { name, login: s.stmt_type === 'ROLESTMT_USER', secrets: [] };
        this.applyOptions(role, s.options ?? [], encryption);
        this.roles.set(name, role);
        return 'CREATE ROLE';
      }
      case 'AlterRoleStmt': {
        const role = this.existing(s.role?.rolename);
        this.applyOptions(role, s.options ?? [], encryption);
        return 'ALTER ROLE';
      }
      default: {
        for (const spec of s.roles ?? []) {
          const name: string = spec.RoleSpec?.rolename;
          if (!this.roles.has(name) && s.missing_ok === true) continue;
          this.existing(name);
          if (name === ADMIN_ROLE)
            throw new DatabaseError(
              SqlState.dependentObjectsStillExist,
              `cannot drop role ${name} because it is required by the database system`,
            );
          this.roles.delete(name);
        }
        return 'DROP ROLE';
      }
    }
  }

  private existing(name: string | undefined): Role {
    const r = name === undefined ? undefined : this.roles.get(name);
    if (!r) throw new DatabaseError(SqlState.undefinedObject, `role "${name ?? ''}" does not exist`);
    return r;
  }

  private applyOptions(role: Role, options: Node[], encryption: string): void {
    for (const o of options) {
      const d = o.DefElem;
      if (d.defname === 'canlogin') role.login = d.arg?.Boolean?.boolval === true;
      else if (d.defname === 'password') {
        const pw: string | undefined = d.arg?.String?.sval;
        role.secrets = pw === undefined || pw === '' ? [] : [encryptPassword(pw, role.name, encryption)];
      }
      // SUPERUSER, CREATEDB and the like are accepted: every role may do everything for now.
    }
  }
}

/** The stored form of a password, as password_encryption says; secrets given already hashed stay as they are. */
export function encryptPassword(password: string, user: string, encryption: string): string {
  if (parseScramVerifier(password) || isMd5Secret(password)) return password;
  if (encryption === 'md5') return md5Secret(password, user);
  if (encryption !== 'scram-sha-256')
    throw new DatabaseError(
      SqlState.invalidParameterValue,
      `invalid value for parameter "password_encryption": "${encryption}"`,
    );
  return scramVerifier(password);
}

/**
 * Sets up the admin password of a server: without `envPassword` and without a stored one (roles
 * persist with the database's data directory), a random password is made, only its SCRAM
 * verifier stored, and the password returned (to be shown once).
 *
 * @example
 * const generated = initAdminPassword(db.engine.roles, process.env.LIVEVIEWDB_PASSWORD);
 */
export function initAdminPassword(roles: RoleStore, envPassword: string | undefined): string | undefined {
  if (envPassword !== undefined || (roles.get(ADMIN_ROLE)?.secrets.length ?? 0) > 0) return undefined;
  const generated = randomPassword();
  roles.setSecrets(ADMIN_ROLE, [scramVerifier(generated)]);
  return generated;
}

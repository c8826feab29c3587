import { randomBytes } from 'node:crypto';
import { DatabaseError, SqlState } from '../../errors.js';
import {
  checkPassword,
  equalSecrets,
  hmac,
  isMd5Secret,
  md5Response,
  parseScramVerifier,
  sha256,
  type ScramSecret,
} from '../../tenancy/passwords.js';
import type { RoleStore } from '../../tenancy/roles.js';
import * as msg from './writer.js';

/** How clients prove who they are, as pg_hba.conf's methods. */
export type AuthMethod = 'scram-sha-256' | 'md5' | 'password' | 'trust';
export const AUTH_METHODS: readonly AuthMethod[] = ['scram-sha-256', 'md5', 'password', 'trust'];

/** What a step of the exchange sends back; `done` once the client is authenticated. */
export interface AuthStep {
  readonly reply: Buffer[];
  readonly done: boolean;
}

const failed = (user: string): DatabaseError =>
  new DatabaseError(SqlState.invalidPassword, `password authentication failed for user "${user}"`);

const cstring = (b: Buffer): string => {
  const end = b.indexOf(0);
  return b.toString('utf8', 0, end < 0 ? b.length : end);
};

/** A secret no password matches, so unknown users go through the same exchange and fail at its end. */
function mockScram(): ScramSecret {
  return { iterations: 4096, salt: randomBytes(16), storedKey: randomBytes(32), serverKey: randomBytes(32) };
}

/**
 * One client's authentication exchange: cleartext, md5 (salted challenge) or SCRAM-SHA-256
 * (RFC 5802/7677, without channel binding). As in PostgreSQL, md5 falls back to SCRAM for a role
 * that has only a SCRAM verifier, and a role without LOGIN is refused after its password checks.
 *
 * @example
 * const auth = new PasswordExchange('scram-sha-256', db.engine.roles, 'admin');
 * send(auth.start()); // AuthenticationSASL; then auth.step(body) for each password message
 */
export class PasswordExchange {
  private state: 'start' | 'cleartext' | 'md5' | 'scram-first' | 'scram-final' = 'start';
  private readonly salt = randomBytes(4);
  private scram: ScramSecret | null = null;
  private nonce = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private gs2Header = '';

  constructor(
    private readonly method: Exclude<AuthMethod, 'trust'>,
    private readonly roles: RoleStore,
    private readonly user: string,
  ) {}

  private secrets(): string[] {
    return this.roles.get(this.user)?.secrets ?? [];
  }

  /** The first authentication request to send. */
  start(): Buffer {
    const secrets = this.secrets();
    const scram = secrets.map(parseScramVerifier).find((s) => s !== null) ?? null;
    const md5 = secrets.find(isMd5Secret);
    if (this.method === 'password') {
      this.state = 'cleartext';
      return msg.authenticationCleartextPassword();
    }
    if (this.method === 'md5' && (md5 !== undefined || scram === null)) {
      this.state = 'md5';
      return msg.authenticationMd5Password(this.salt);
    }
    // SCRAM: a role with only an md5 secret cannot pass it; the mock verifier makes it fail at the end.
    this.scram = scram ?? mockScram();
    this.state = 'scram-first';
    return msg.authenticationSasl(['SCRAM-SHA-256']);
  }

  /** Handles a password message's body. Throws 28P01 when the password is wrong. */
  step(data: Buffer): AuthStep {
    switch (this.state) {
      case 'cleartext': {
        const pw = cstring(data);
        if (!this.secrets().some((s) => checkPassword(s, pw, this.user))) throw failed(this.user);
        return this.success([]);
      }
      case 'md5': {
        const got = cstring(data);
        const md5 = this.secrets().find(isMd5Secret);
        if (md5 === undefined || !equalSecrets(got, md5Response(md5, this.salt))) throw failed(this.user);
        return this.success([]);
      }
      case 'scram-first':
        return { reply: [this.clientFirst(data)], done: false };
      case 'scram-final':
        return this.success([this.clientFinal(data)]);
      default:
        throw new DatabaseError(SqlState.protocolViolation, 'unexpected password message');
    }
  }

  private success(reply: Buffer[]): AuthStep {
    const role = this.roles.get(this.user);
    if (role && !role.login)
      throw new DatabaseError(
        SqlState.invalidAuthorizationSpecification,
        `role "${this.user}" is not permitted to log in`,
      );
    this.state = 'start';
    return { reply, done: true };
  }

  /** SASLInitialResponse: mechanism, then client-first-message `gs2-header client-first-bare`. */
  private clientFirst(data: Buffer): Buffer {
    const mechanism = cstring(data);
    if (mechanism !== 'SCRAM-SHA-256')
      throw new DatabaseError(
        SqlState.invalidAuthorizationSpecification,
        'client selected an invalid SASL authentication mechanism',
      );
    const at = Buffer.byteLength(mechanism) + 1;
    const len = data.readInt32BE(at);
    const message = data.toString('utf8', at + 4, at + 4 + Math.max(len, 0));
    const m = /^([ny]),(a=[^,]*)?,((?:m=[^,]*,)?n=[^,]*,r=([^,]+)(?:,.*)?)$/.exec(message);
    if (!m)
      throw new DatabaseError(SqlState.protocolViolation, 'malformed SCRAM message', {
        detail: 'Unexpected channel-binding flag or attribute in client-first-message.',
      });
    this.gs2Header = `${m[1]},${m[2] ?? ''},`;
    this.clientFirstBare = m[3]!;
    this.nonce = m[4]! + randomBytes(18).toString('base64');
    const s = this.scram!;
    this.serverFirst = `r=${this.nonce},s=${s.salt.toString('base64')},i=${s.iterations}`;
    this.state = 'scram-final';
    return msg.authenticationSaslContinue(this.serverFirst);
  }

  /** SASLResponse with client-final-message `c=...,r=...,p=proof`; checks the proof. */
  private clientFinal(data: Buffer): Buffer {
    const message = data.toString('utf8');
    const m = /^c=([^,]*),r=([^,]*)(?:,.*)?,p=([A-Za-z0-9+/=]+)$/.exec(message);
    if (!m) throw new DatabaseError(SqlState.protocolViolation, 'malformed SCRAM message');
    if (m[1] !== Buffer.from(this.gs2Header).toString('base64'))
      throw new DatabaseError(SqlState.protocolViolation, 'SCRAM channel binding check failed');
    if (m[2] !== this.nonce) throw new DatabaseError(SqlState.protocolViolation, 'SCRAM nonce mismatch');
    const withoutProof = message.slice(0, message.lastIndexOf(',p='));
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const s = this.scram!;
    const proof = Buffer.from(m[3]!, 'base64');
    const signature = hmac(s.storedKey, authMessage);
    if (proof.length !== signature.length) throw failed(this.user);
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
    if (!equalSecrets(sha256(clientKey), s.storedKey)) throw failed(this.user);
    const verifier = hmac(s.serverKey, authMessage).toString('base64');
    return msg.authenticationSaslFinal(`v=${verifier}`);
  }
}

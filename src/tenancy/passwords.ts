import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Stored password secrets in PostgreSQL's formats: a SCRAM-SHA-256 verifier
 * (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5802/7677) or an md5 hash
 * (`md5` + md5(password + user)). Neither lets anyone recover the password.
 *
 * @example
 * const v = scramVerifier('s3cret'); // 'SCRAM-SHA-256$4096:...'
 * checkPassword(v, 's3cret', 'admin'); // true
 */

/** PostgreSQL's default iteration count (scram_iterations). */
export const SCRAM_ITERATIONS = 4096;

/** The parts of a SCRAM-SHA-256 verifier. */
export interface ScramSecret {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export const hmac = (key: Buffer, data: string | Buffer): Buffer =>
  createHmac('sha256', key).update(data).digest();
export const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
const md5hex = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');

/** SaltedPassword, ClientKey-derived StoredKey and ServerKey for a password. */
function scramKeys(password: string, salt: Buffer, iterations: number): ScramSecret {
  // PostgreSQL applies SASLprep first; for passwords of ASCII printable characters it is the identity.
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const storedKey = sha256(hmac(salted, 'Client Key'));
  return { iterations, salt, storedKey, serverKey: hmac(salted, 'Server Key') };
}

/** A new SCRAM-SHA-256 verifier with a random 16-byte salt. */
export function scramVerifier(password: string, iterations = SCRAM_ITERATIONS): string {
  const s = scramKeys(password, randomBytes(16), iterations);
  const b64 = (b: Buffer): string => b.toString('base64');
  return `SCRAM-SHA-256$${s.iterations}:${b64(s.salt)}$${b64(s.storedKey)}:${b64(s.serverKey)}`;
}

/** The parts of a verifier, or null when `secret` is not one. */
export function parseScramVerifier(secret: string): ScramSecret | null {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(secret);
  if (!m) return null;
  const storedKey = Buffer.from(m[3]!, 'base64');
  const serverKey = Buffer.from(m[4]!, 'base64');
  if (storedKey.length !== 32 || serverKey.length !== 32) return null;
  return { iterations: Number(m[1]), salt: Buffer.from(m[2]!, 'base64'), storedKey, serverKey };
}

/** PostgreSQL's md5 secret: 'md5' followed by md5(password || user) in hex. */
export function md5Secret(password: string, user: string): string {
  return `md5${md5hex(password + user)}`;
}

export const isMd5Secret = (secret: string): boolean => /^md5[0-9a-f]{32}$/.test(secret);

/** What an md5 client sends for a secret and a 4-byte salt: 'md5' + md5(hex(secret) || salt). */
export function md5Response(secret: string, salt: Buffer): string {
  return `md5${md5hex(Buffer.concat([Buffer.from(secret.slice(3)), salt]))}`;
}

export function equalSecrets(a: Buffer | string, b: Buffer | string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Does a cleartext password match a stored secret (either format)? */
export function checkPassword(secret: string, password: string, user: string): boolean {
  if (isMd5Secret(secret)) return equalSecrets(secret, md5Secret(password, user));
  const s = parseScramVerifier(secret);
  if (!s) return false;
  return equalSecrets(scramKeys(password, s.salt, s.iterations).storedKey, s.storedKey);
}

/** A random password of 24 URL-safe characters (about 143 bits). */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

import { Writer } from 'pg-protocol/dist/buffer-writer.js';
import type { DatabaseError } from '../../errors.js';
import { typeOid } from '../../types/types.js';
import type { ResultColumn } from '../../engine/session.js';
import { formatCode } from './messages.js';

/**
 * Builders of backend messages, each returning the framed bytes (type byte, length, body),
 * serialized with pg-protocol's Writer.
 */
const w = new Writer();

const code = (c: string): number => c.charCodeAt(0);

export const authenticationOk = (): Buffer => w.addInt32(0).flush(code('R'));
export const authenticationCleartextPassword = (): Buffer => w.addInt32(3).flush(code('R'));
export const authenticationMd5Password = (salt: Buffer): Buffer => w.addInt32(5).add(salt).flush(code('R'));
/** AuthenticationSASL: the mechanisms offered, each a C string, then an empty one. */
export const authenticationSasl = (mechanisms: readonly string[]): Buffer => {
  w.addInt32(10);
  for (const m of mechanisms) w.addCString(m);
  return w.addCString('').flush(code('R'));
};
export const authenticationSaslContinue = (data: string): Buffer =>
  w.addInt32(11).addString(data).flush(code('R'));
export const authenticationSaslFinal = (data: string): Buffer =>
  w.addInt32(12).addString(data).flush(code('R'));

/** CopyInResponse ('G') / CopyOutResponse ('H'): overall format 0 (text) and per-column formats. */
export const copyResponse = (kind: 'in' | 'out', columns: number): Buffer => {
  w.add(Buffer.from([0])).addInt16(columns);
  for (let i = 0; i < columns; i++) w.addInt16(0);
  return w.flush(code(kind === 'in' ? 'G' : 'H'));
};
export const copyData = (data: Buffer | string): Buffer =>
  w.add(typeof data === 'string' ? Buffer.from(data) : data).flush(code('d'));
export const copyDone = (): Buffer => w.flush(code('c'));

export const parameterStatus = (name: string, value: string): Buffer =>
  w.addCString(name).addCString(value).flush(code('S'));

/** NotificationResponse ('A'): a NOTIFY on a channel the session LISTENs on. */
export const notificationResponse = (pid: number, channel: string, payload: string): Buffer =>
  w.addInt32(pid).addCString(channel).addCString(payload).flush(code('A'));

export const backendKeyData = (processId: number, secretKey: number): Buffer =>
  w.addInt32(processId).addInt32(secretKey).flush(code('K'));

export const readyForQuery = (status: 'I' | 'T' | 'E'): Buffer => w.addString(status).flush(code('Z'));

export const parseComplete = (): Buffer => w.flush(code('1'));
export const bindComplete = (): Buffer => w.flush(code('2'));
export const closeComplete = (): Buffer => w.flush(code('3'));
export const noData = (): Buffer => w.flush(code('n'));
export const portalSuspended = (): Buffer => w.flush(code('s'));
export const emptyQueryResponse = (): Buffer => w.flush(code('I'));

export const commandComplete = (tag: string): Buffer => w.addCString(tag).flush(code('C'));

export function parameterDescription(oids: readonly number[]): Buffer {
  w.addInt16(oids.length);
  for (const oid of oids) w.addInt32(oid);
  return w.flush(code('t'));
}

/** RowDescription: name, no table, the type's OID, variable size, no typmod, and the format. */
export function rowDescription(columns: readonly ResultColumn[], formats: readonly number[]): Buffer {
  w.addInt16(columns.length);
  columns.forEach((c, i) => {
    w.addCString(c.name).addInt32(0).addInt16(0).addInt32(typeOid(c.type));
    w.addInt16(-1).addInt32(-1).addInt16(formatCode(formats, i));
  });
  return w.flush(code('T'));
}

export function dataRow(cells: readonly (Buffer | null)[]): Buffer {
  w.addInt16(cells.length);
  for (const c of cells) {
    if (c === null) w.addInt32(-1);
    else w.addInt32(c.length).add(c);
  }
  return w.flush(code('D'));
}

/** ErrorResponse ('E') or NoticeResponse ('N') with PostgreSQL's fields. */
export function errorResponse(err: DatabaseError, severity: 'ERROR' | 'FATAL' = 'ERROR'): Buffer {
  w.addString('S').addCString(severity).addString('V').addCString(severity);
  w.addString('C').addCString(err.code).addString('M').addCString(err.message);
  if (err.detail !== undefined) w.addString('D').addCString(err.detail);
  if (err.hint !== undefined) w.addString('H').addCString(err.hint);
  if (err.position !== undefined) w.addString('P').addCString(String(err.position));
  if (err.where !== undefined) w.addString('W').addCString(err.where);
  w.addString('\0');
  return w.flush(code('E'));
}

/** The CommandComplete tag of a statement that affected or returned `rows` rows. */
export function commandTag(command: string, rows: number): string {
  if (command === 'INSERT') return `INSERT 0 ${rows}`;
  if (['SELECT', 'UPDATE', 'DELETE', 'MERGE', 'FETCH', 'MOVE', 'COPY'].includes(command))
    return `${command} ${rows}`;
  return command;
}

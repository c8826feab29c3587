/**
 * Messages of PostgreSQL's wire protocol v3, as discriminated unions: what a client sends before
 * the session starts (StartupPacket) and after (FrontendMessage). Backend messages are built by
 * writer.ts.
 */

/** The protocol version this server speaks (3.0). */
export const PROTOCOL_3_0 = 196608;
/** Request codes carried in place of a protocol version. */
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

/** The first packet of a connection (it has no type byte). */
export type StartupPacket =
  | { readonly kind: 'startup'; readonly version: number; readonly params: ReadonlyMap<string, string> }
  | { readonly kind: 'sslRequest' }
  | { readonly kind: 'gssEncRequest' }
  | { readonly kind: 'cancelRequest'; readonly processId: number; readonly secretKey: number };

/** 'S' a prepared statement, 'P' a portal (Describe and Close). */
export type TargetKind = 'S' | 'P';

/** A message of an established session, by its type byte. */
export type FrontendMessage =
  | { readonly kind: 'query'; readonly sql: string }
  | {
      readonly kind: 'parse';
      readonly name: string;
      readonly sql: string;
      readonly paramTypes: readonly number[];
    }
  | {
      readonly kind: 'bind';
      readonly portal: string;
      readonly statement: string;
      readonly paramFormats: readonly number[];
      /** Raw parameter values; null is SQL NULL. */
      readonly params: readonly (Buffer | null)[];
      readonly resultFormats: readonly number[];
    }
  | { readonly kind: 'describe'; readonly target: TargetKind; readonly name: string }
  | { readonly kind: 'execute'; readonly portal: string; readonly maxRows: number }
  | { readonly kind: 'close'; readonly target: TargetKind; readonly name: string }
  | { readonly kind: 'sync' }
  | { readonly kind: 'flush' }
  | { readonly kind: 'terminate' }
  /** PasswordMessage, SASLInitialResponse or SASLResponse: which one the auth phase tells; raw body. */
  | { readonly kind: 'password'; readonly data: Buffer }
  | { readonly kind: 'copyData'; readonly data: Buffer }
  | { readonly kind: 'copyDone' }
  | { readonly kind: 'copyFail'; readonly message: string }
  | { readonly kind: 'unsupported'; readonly code: string };

/** The format code (0 text, 1 binary) of value `i` from a Bind format list (empty = all text). */
export function formatCode(formats: readonly number[], i: number): number {
  if (formats.length === 0) return 0;
  if (formats.length === 1) return formats[0]!;
  return formats[i] ?? 0;
}

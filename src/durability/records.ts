import type { DdlLogEntry, Transaction } from '../engine/transaction.js';
import type { StoredTokenData } from '../engine/access-tokens.js';
import type { Chunk } from '../storage/chunk.js';
import type { Table } from '../storage/table.js';
import type { Role } from '../tenancy/roles.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { writeChunk } from './chunk-codec.js';

/**
 * WAL record payloads. The first byte says the kind:
 * - Commit: the commit's sequence number, then a JSON header (DDL statements, roles, and for each
 *   table changed: its name, how many rows it gains and in how many chunks it loses rows), then for
 *   each such table its inserted rows as one stored chunk (chunk-codec) and its deletes as (chunk
 *   ordinal, row count, rows).
 * - Tokens / Roles: the whole token or role list as JSON, after a change outside a transaction.
 *
 * Deleted rows are named by chunk ordinal and row: replay appends the same rows in the same order,
 * and checkpoints keep chunk layouts, so positions mean the same thing at recovery.
 */
export const enum RecordKind {
  Commit = 1,
  Tokens = 2,
  Roles = 3,
}

export interface CommitTableHeader {
  readonly schema: string;
  readonly name: string;
  readonly columns: number;
  /** Rows inserted (0: no chunk follows). */
  readonly inserted: number;
  /** Chunks with deleted rows (each a delete block). */
  readonly deleteChunks: number;
}

export interface CommitHeader {
  readonly ddl: readonly DdlLogEntry[];
  readonly roles?: readonly Role[];
  readonly tables: readonly CommitTableHeader[];
}

/** Rows of a transaction-local chunk that are still live (null: all of them). */
function liveRows(c: Chunk): Uint32Array | null {
  if (!c.deletedAt || c.deletedCount === 0) return null;
  const out = new Uint32Array(c.rowCount - c.deletedCount);
  let n = 0;
  for (let r = 0; r < c.rowCount; r++) if (c.deletedAt[r] === 0) out[n++] = r;
  return out.subarray(0, n);
}

/** The payload of a commit record for `txn`, applied as `seq`; call it before txn.apply. */
export function encodeCommit(txn: Transaction, seq: number, roles: readonly Role[] | null): Buffer {
  const deletes = txn.pendingDeletes();
  const tables = new Set<Table>([...txn.local.keys(), ...deletes.keys()]);
  const headers: CommitTableHeader[] = [];
  const body = new ByteWriter(4096);
  for (const t of tables) {
    const local = txn.local.get(t);
    const rows = local ? liveRows(local) : null;
    const inserted = local ? (rows ? rows.length : local.rowCount) : 0;
    const dels = deletes.get(t);
    const ordinals = new Map<Chunk, number>();
    if (dels) t.chunks.forEach((c, i) => ordinals.set(c, i));
    // Deletes of chunks no longer in the table (TRUNCATE later in the transaction) change nothing.
    const blocks = dels ? [...dels].filter(([c]) => ordinals.has(c)) : [];
    if (inserted === 0 && blocks.length === 0) continue;
    headers.push({
      schema: t.schema,
      name: t.name,
      columns: t.columns.length,
      inserted,
      deleteChunks: blocks.length,
    });
    if (inserted > 0) writeChunk(body, local!, rows);
    for (const [c, set] of blocks) {
      body.u32(ordinals.get(c)!);
      body.u32(set.size);
      body.bytes(Uint32Array.from(set));
    }
  }
  const header: CommitHeader = {
    ddl: txn.ddl,
    ...(roles ? { roles } : {}),
    tables: headers,
  };
  const out = new ByteWriter(body.length + 256);
  out.u8(RecordKind.Commit);
  out.f64(seq);
  out.json(header);
  out.bytes(body.view());
  return out.view();
}

/** A record payload with its kind read; the reader stands at the kind's fields. */
export function openRecord(payload: Buffer): { kind: RecordKind; reader: ByteReader } {
  const reader = new ByteReader(payload);
  return { kind: reader.u8() as RecordKind, reader };
}

export function encodeTokens(tokens: readonly StoredTokenData[]): Buffer {
  const w = new ByteWriter(256);
  w.u8(RecordKind.Tokens);
  w.json(tokens);
  return w.view();
}

export function encodeRoles(roles: readonly Role[]): Buffer {
  const w = new ByteWriter(256);
  w.u8(RecordKind.Roles);
  w.json(roles);
  return w.view();
}

/** Reads a delete block: the chunk ordinal and its rows. */
export function readDeleteBlock(r: ByteReader): { chunk: number; rows: Uint32Array } {
  const chunk = r.u32();
  const n = r.u32();
  const rows = new Uint32Array(n);
  r.bytesInto(new Uint8Array(rows.buffer));
  return { chunk, rows };
}

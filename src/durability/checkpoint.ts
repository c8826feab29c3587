import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredTokenData } from '../engine/access-tokens.js';
import type { Engine } from '../engine/database.js';
import { Schema, type ViewDef } from '../storage/catalog.js';
import type { Chunk } from '../storage/chunk.js';
import { reserveOidsThrough, Table, type ColumnDef } from '../storage/table.js';
import type { Role } from '../tenancy/roles.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { readChunk, writeChunk } from './chunk-codec.js';
import {
  fsyncDirectory,
  listLsnFiles,
  lsnFileName,
  openChecksummed,
  sealChecksummed,
  writeFileAtomic,
} from './files.js';

/**
 * Checkpoints: the committed state at one WAL position, so recovery replays only the log after it.
 *
 * Layout under `<data-dir>/checkpoint/`:
 * - `chunks/c<id>-<rows>.chunk`: one file per chunk as it stood (its first `rows` rows), written
 *   once. A chunk that has not changed since the last checkpoint keeps its file (incremental); a
 *   growing tail chunk gets a new file with its new row count. Deletes are not in chunk files.
 * - `<lsn>.manifest`: the catalog (schemas, tables with their chunk files in order, views), roles,
 *   tokens, the commit sequence and WAL position, and each chunk's delete marks.
 * Every file ends in a CRC-32C trailer and is written atomically (temp file, fsync, rename, fsync
 * of the directory). The newest two manifests are kept, with the chunk files they name.
 */

const MANIFEST_VERSION = 1;
/** How many checkpoints stay on disk (recovery falls back to the older one). */
export const KEPT_CHECKPOINTS = 2;

interface ChunkEntry {
  readonly file: string;
  readonly rows: number;
  readonly sealed: boolean;
  /** Rows deleted (marked at or before the checkpoint's commit). */
  readonly deletes: number;
}

interface TableEntry {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly chunks: readonly ChunkEntry[];
}

/** A materialized view: its definition only (its rows are computed again at recovery). */
interface MatViewEntry {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly string[];
  readonly query: string;
  readonly searchPath: readonly string[];
  readonly refresh: string;
  readonly maxDelayMs: number;
  readonly memoryLimit: number;
  readonly populated: boolean;
}

type ViewEntry = Pick<ViewDef, 'oid' | 'schema' | 'name' | 'sql' | 'columnNames' | 'query'>;

interface ManifestMeta {
  readonly version: number;
  readonly lsn: number;
  readonly seq: number;
  readonly nextChunkId: number;
  readonly schemas: readonly { name: string; oid: number }[];
  readonly tables: readonly TableEntry[];
  readonly views: readonly ViewEntry[];
  readonly matviews: readonly MatViewEntry[];
  readonly roles: readonly Role[];
  readonly tokens: readonly StoredTokenData[];
}

/** One chunk as captured: its rows then, and the delete marks then. */
interface CapturedChunk {
  readonly chunk: Chunk;
  readonly entry: ChunkEntry;
  readonly deletedRows: Uint32Array;
  readonly deletedSeqs: Float64Array;
}

/** The committed state at one instant, taken synchronously; written out afterwards. */
export interface CheckpointImage {
  readonly meta: ManifestMeta;
  readonly chunks: readonly CapturedChunk[];
}

/** What recovery reads back. */
export interface LoadedCheckpoint {
  readonly lsn: number;
  readonly seq: number;
  readonly roles: readonly Role[];
  readonly file: string;
  /** CREATE MATERIALIZED VIEW statements to run (in this order) with their search paths. */
  readonly matviews: readonly { sql: string; searchPath: readonly string[] }[];
}

export function manifestName(lsn: number): string {
  return lsnFileName(lsn, 'manifest');
}

/** The manifests in `dir`, newest first. */
export async function listManifests(dir: string): Promise<{ lsn: number; file: string }[]> {
  return (await listLsnFiles(dir, 'manifest')).reverse();
}

/**
 * Writes checkpoints of one data directory, remembering which chunk objects already have files.
 */
export class CheckpointWriter {
  /** The file each chunk (as of a row count) was stored in. */
  private readonly files = new WeakMap<Chunk, { rows: number; sealed: boolean; file: string }>();
  private readonly chunkDir: string;

  constructor(
    private readonly dir: string,
    private nextChunkId: number,
  ) {
    this.chunkDir = join(dir, 'chunks');
  }

  /** Keeps new chunk file ids above those a loaded checkpoint used. */
  reserveChunkIds(next: number): void {
    this.nextChunkId = Math.max(this.nextChunkId, next);
  }

  /** Notes that `chunk` (as loaded) is stored in `file` already. */
  known(chunk: Chunk, file: string, rows: number, sealed: boolean): void {
    this.files.set(chunk, { rows, sealed, file });
  }

  /**
   * Captures the committed state: call it synchronously when no transaction has uncommitted DDL
   * (DDL is applied in place), with `lsn` the last WAL record applied.
   */
  capture(engine: Engine, lsn: number, roles: readonly Role[]): CheckpointImage {
    const seq = engine.seq;
    const chunks: CapturedChunk[] = [];
    const tables: TableEntry[] = [];
    const views: ViewEntry[] = [];
    const schemas: { name: string; oid: number }[] = [];
    for (const schema of engine.catalog.schemas.values()) {
      schemas.push({ name: schema.name, oid: schema.oid });
      for (const v of schema.views.values())
        views.push({
          oid: v.oid,
          schema: v.schema,
          name: v.name,
          sql: v.sql,
          columnNames: v.columnNames,
          query: v.query,
        });
      for (const t of schema.tables.values()) {
        if (t.matview) continue;
        const entries: ChunkEntry[] = [];
        for (const c of t.chunks) {
          const rows = c.rowCount;
          const known = this.files.get(c);
          const file =
            known && known.rows === rows && known.sealed === c.sealed
              ? known.file
              : `c${this.nextChunkId++}-${rows}.chunk`;
          const { deletedRows, deletedSeqs } = deleteMarks(c, rows, seq);
          const entry: ChunkEntry = { file, rows, sealed: c.sealed, deletes: deletedRows.length };
          entries.push(entry);
          chunks.push({ chunk: c, entry, deletedRows, deletedSeqs });
        }
        tables.push({ oid: t.oid, schema: t.schema, name: t.name, columns: t.columns, chunks: entries });
      }
    }
    const matviews: MatViewEntry[] = engine.views.all().map((v) => ({
      schema: v.schema,
      name: v.name,
      columns: v.table.columns.map((c) => c.name),
      query: v.definition.query,
      searchPath: v.definition.searchPath,
      refresh: v.options.refresh,
      maxDelayMs: v.options.maxDelayMs,
      memoryLimit: v.options.memoryLimit,
      populated: v.populated,
    }));
    const meta: ManifestMeta = {
      version: MANIFEST_VERSION,
      lsn,
      seq,
      nextChunkId: this.nextChunkId,
      schemas,
      tables,
      views,
      matviews,
      roles,
      tokens: engine.tokens.export(),
    };
    return { meta, chunks };
  }

  /**
   * Writes the captured image: new chunk files first, then the manifest (the checkpoint exists
   * once its manifest does), then drops manifests and chunk files no kept checkpoint names.
   * Returns the number of chunk files written.
   */
  async write(image: CheckpointImage, yieldEvery: () => Promise<void>): Promise<number> {
    await mkdir(this.chunkDir, { recursive: true });
    const existing = new Set(await readdir(this.chunkDir));
    let written = 0;
    for (const c of image.chunks) {
      const { file, rows, sealed } = c.entry;
      if (!existing.has(file)) {
        const w = new ByteWriter(rows * 8 * Math.max(1, c.chunk.columns.length) + 64);
        writeChunk(w, c.chunk, null, rows, sealed);
        await writeFileAtomic(join(this.chunkDir, file), this.chunkDir, sealChecksummed(w.view()), false);
        existing.add(file);
        written++;
        await yieldEvery();
      }
      this.files.set(c.chunk, { rows, sealed, file });
    }
    if (written > 0) await fsyncDirectory(this.chunkDir);
    const body = new ByteWriter(4096);
    body.json(image.meta);
    for (const c of image.chunks) {
      if (c.deletedRows.length === 0) continue;
      body.bytes(c.deletedRows);
      body.bytes(c.deletedSeqs);
    }
    await writeFileAtomic(
      join(this.dir, manifestName(image.meta.lsn)),
      this.dir,
      sealChecksummed(body.view()),
    );
    await this.prune();
    return written;
  }

  /** Keeps the newest KEPT_CHECKPOINTS manifests and the chunk files they name. */
  private async prune(): Promise<void> {
    const manifests = await listManifests(this.dir);
    const keep = new Set<string>();
    for (const m of manifests.slice(0, KEPT_CHECKPOINTS)) {
      try {
        const meta = readManifestMeta(await readFile(m.file), m.file);
        for (const t of meta.tables) for (const c of t.chunks) keep.add(c.file);
      } catch {
        // An unreadable manifest names nothing; recovery will report it if it is the newest.
      }
    }
    for (const m of manifests.slice(KEPT_CHECKPOINTS)) await rm(m.file, { force: true });
    for (const f of await readdir(this.chunkDir))
      if (!keep.has(f) && (f.endsWith('.chunk') || f.endsWith('.tmp')))
        await rm(join(this.chunkDir, f), { force: true });
  }

  /** The WAL position of the oldest checkpoint kept (segments before it can go), or 0. */
  async oldestKeptLsn(): Promise<number> {
    const manifests = await listManifests(this.dir);
    return manifests.slice(0, KEPT_CHECKPOINTS).at(-1)?.lsn ?? 0;
  }
}

/** The rows of `c` (below `rows`) deleted at or before commit `seq`, with their delete stamps. */
function deleteMarks(
  c: Chunk,
  rows: number,
  seq: number,
): { deletedRows: Uint32Array; deletedSeqs: Float64Array } {
  if (!c.deletedAt || c.deletedCount === 0)
    return { deletedRows: new Uint32Array(0), deletedSeqs: new Float64Array(0) };
  const r: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < rows; i++) {
    const d = c.deletedAt[i]!;
    if (d !== 0 && d <= seq) {
      r.push(i);
      s.push(d);
    }
  }
  return { deletedRows: Uint32Array.from(r), deletedSeqs: Float64Array.from(s) };
}

function readManifestMeta(data: Buffer, file: string): ManifestMeta {
  return new ByteReader(openChecksummed(data, file)).json<ManifestMeta>();
}

/**
 * Loads the checkpoint in `file` into `engine` (whose catalog must be empty of user objects).
 * Throws, naming the file, when the manifest or a chunk file is missing or fails its checksum;
 * the engine is then left as it was.
 */
export async function loadCheckpoint(
  engine: Engine,
  dir: string,
  file: string,
  writer: CheckpointWriter,
): Promise<LoadedCheckpoint> {
  const reader = new ByteReader(openChecksummed(await readFile(file), file));
  const meta = reader.json<ManifestMeta>();
  if (meta.version !== MANIFEST_VERSION)
    throw new Error(`${file}: unknown checkpoint version ${meta.version}`);
  const schemas = new Map<string, Schema>();
  let maxOid = 0;
  for (const s of meta.schemas) {
    schemas.set(s.name, new Schema(s.name, s.oid));
    maxOid = Math.max(maxOid, s.oid);
  }
  const loaded: { chunk: Chunk; entry: ChunkEntry }[] = [];
  for (const t of meta.tables) {
    const table = new Table(t.schema, t.name, [...t.columns], t.oid);
    maxOid = Math.max(maxOid, t.oid);
    for (const e of t.chunks) {
      const path = join(dir, 'chunks', e.file);
      let data: Buffer;
      try {
        data = await readFile(path);
      } catch (err) {
        throw new Error(`${path}: cannot read chunk file (${(err as Error).message})`);
      }
      const chunk = readChunk(new ByteReader(openChecksummed(data, path)), table.types);
      if (chunk.rowCount !== e.rows)
        throw new Error(`${path}: holds ${chunk.rowCount} rows, manifest says ${e.rows}`);
      table.chunks.push(chunk);
      loaded.push({ chunk, entry: e });
    }
    const schema = schemas.get(t.schema);
    if (!schema) throw new Error(`${file}: table ${t.schema}.${t.name} names a missing schema`);
    schema.tables.set(t.name, table);
  }
  // Delete marks follow the JSON, in chunk order, for chunks that have any.
  for (const { chunk, entry } of loaded) {
    if (entry.deletes === 0) continue;
    const rows = new Uint32Array(entry.deletes);
    const seqs = new Float64Array(entry.deletes);
    reader.bytesInto(new Uint8Array(rows.buffer));
    reader.bytesInto(new Uint8Array(seqs.buffer));
    for (let i = 0; i < rows.length; i++) chunk.markDeleted(rows[i]!, seqs[i]!);
  }
  for (const v of meta.views) {
    const schema = schemas.get(v.schema);
    if (!schema) throw new Error(`${file}: view ${v.schema}.${v.name} names a missing schema`);
    schema.views.set(v.name, { ...v });
    maxOid = Math.max(maxOid, v.oid);
  }
  // Nothing failed: install it.
  engine.catalog.schemas.clear();
  for (const [name, s] of schemas) engine.catalog.schemas.set(name, s);
  engine.catalog.changed();
  for (const { chunk, entry } of loaded) writer.known(chunk, entry.file, entry.rows, entry.sealed);
  writer.reserveChunkIds(meta.nextChunkId);
  reserveOidsThrough(maxOid);
  engine.seq = meta.seq;
  engine.roles.import(meta.roles);
  engine.tokens.import(meta.tokens);
  const q = (id: string): string => `"${id.replace(/"/g, '""')}"`;
  const matviews = (meta.matviews ?? []).map((m) => ({
    sql:
      `CREATE MATERIALIZED VIEW ${q(m.schema)}.${q(m.name)} (${m.columns.map(q).join(', ')}) ` +
      `WITH (refresh = '${m.refresh}', max_delay = '${m.maxDelayMs}ms', memory_limit = '${m.memoryLimit}') ` +
      `AS ${m.query}${m.populated ? '' : ' WITH NO DATA'}`,
    searchPath: m.searchPath,
  }));
  return { lsn: meta.lsn, seq: meta.seq, roles: meta.roles, file, matviews };
}

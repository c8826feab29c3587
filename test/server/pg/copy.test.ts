import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { beforeEach, describe, expect, it } from 'vitest';
import { withPgClient, withPgServer } from '../../helpers/pg-client.js';

const client = withPgClient();

beforeEach(async () => {
  await client().query('DROP TABLE IF EXISTS t; CREATE TABLE t (id int, name text, score float8)');
});

async function copyIn(sql: string, data: string): Promise<number> {
  const stream = client().query(copyFrom(sql));
  await pipeline(Readable.from([data]), stream);
  return stream.rowCount ?? -1;
}

async function copyOut(sql: string): Promise<string> {
  const stream = client().query(copyTo(sql));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function rows(): Promise<unknown[][]> {
  return (await client().query({ text: 'SELECT id, name, score FROM t ORDER BY id', rowMode: 'array' })).rows;
}

describe('COPY FROM STDIN', () => {
  it('loads text format with escapes and \\N for NULL', async () => {
    const n = await copyIn('COPY t FROM STDIN', '1\ta\\tb\t1.5\n2\t\\N\t\\N\n3\tline\\nbreak\t-2\n');
    expect(n).toBe(3);
    expect(await rows()).toEqual([
      [1, 'a\tb', 1.5],
      [2, null, null],
      [3, 'line\nbreak', -2],
    ]);
  });

  it('loads CSV with a header, quotes and a column list', async () => {
    const csv = 'name,id\n"x, ""quoted""",1\n"",2\n,3\n"multi\nline",4\n';
    expect(await copyIn('COPY t (name, id) FROM STDIN WITH (FORMAT csv, HEADER)', csv)).toBe(4);
    expect(await rows()).toEqual([
      [1, 'x, "quoted"', null],
      [2, '', null],
      [3, null, null],
      [4, 'multi\nline', null],
    ]);
  });

  it('honours DELIMITER and NULL options', async () => {
    await copyIn("COPY t FROM STDIN WITH (FORMAT csv, DELIMITER ';', NULL 'NA')", '1;NA;2.5\n');
    expect(await rows()).toEqual([[1, null, 2.5]]);
  });

  it('fails the whole COPY on a bad row, naming its line (22P02 with CONTEXT)', async () => {
    const err = await copyIn('COPY t FROM STDIN', '1\ta\t1\n2\tb\t2\nx\tc\t3\n').catch(
      (e: pg.DatabaseError) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const e = err as pg.DatabaseError;
    expect(e.code).toBe('22P02');
    expect(e.message).toBe('invalid input syntax for type integer: "x"');
    expect(e.where).toBe('COPY t, line 3, column id: "x"');
    expect(await rows()).toEqual([]);
  });

  it('reports missing columns with 22P04', async () => {
    const e = (await copyIn('COPY t FROM STDIN', '1\ta\n').catch((x: unknown) => x)) as pg.DatabaseError;
    expect([e.code, e.message, e.where]).toEqual([
      '22P04',
      'missing data for column "score"',
      'COPY t, line 1',
    ]);
  });

  it('is rolled back by CopyFail (57014) and leaves the connection usable', async () => {
    const stream = client().query(copyFrom('COPY t FROM STDIN'));
    const failed = new Promise<pg.DatabaseError>((resolve) => stream.on('error', resolve));
    stream.write('1\ta\t1\n');
    stream.destroy(new Error('client gave up'));
    const e = await failed;
    expect([e.code, e.message]).toEqual(['57014', 'COPY from stdin failed: client gave up']);
    expect(await rows()).toEqual([]);
  });

  it('keeps the rows private to an open transaction until COMMIT', async () => {
    await client().query('BEGIN');
    await copyIn('COPY t FROM STDIN', '7\tq\t0\n');
    await client().query('ROLLBACK');
    expect(await rows()).toEqual([]);
  });

  it('reads a server-side file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lvdb-copy-')), 'in.csv');
    writeFileSync(file, 'id,name,score\n5,five,5.5\n');
    const r = await client().query(`COPY t FROM '${file}' WITH (FORMAT csv, HEADER true)`);
    expect(r.rowCount).toBe(1);
    expect(await rows()).toEqual([[5, 'five', 5.5]]);
    const missing = await client()
      .query("COPY t FROM '/nonexistent/x.csv'")
      .catch((e: pg.DatabaseError) => e);
    expect((missing as pg.DatabaseError).code).toBe('58P01');
  });
});

describe('COPY TO STDOUT', () => {
  beforeEach(async () => {
    await client().query("INSERT INTO t VALUES (1, 'tab\there', 1.5), (2, NULL, NULL), (3, 'a,\"b\"', 0)");
  });

  it('writes text format with escapes', async () => {
    expect(await copyOut('COPY t TO STDOUT')).toBe('1\ttab\\there\t1.5\n2\t\\N\t\\N\n3\ta,"b"\t0\n');
  });

  it('writes CSV with a header and quoting where needed', async () => {
    expect(
      await copyOut('COPY (SELECT id, name FROM t ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)'),
    ).toBe('id,name\n1,tab\there\n2,\n3,"a,""b"""\n');
  });

  it('round-trips through COPY FROM', async () => {
    const text = await copyOut('COPY t TO STDOUT WITH (FORMAT csv)');
    await client().query('DELETE FROM t');
    expect(await copyIn('COPY t FROM STDIN WITH (FORMAT csv)', text)).toBe(3);
    expect(await rows()).toEqual([
      [1, 'tab\there', 1.5],
      [2, null, null],
      [3, 'a,"b"', 0],
    ]);
  });

  it('writes a server-side file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lvdb-copy-')), 'out.txt');
    expect((await client().query(`COPY t (id) TO '${file}'`)).rowCount).toBe(3);
    expect(readFileSync(file, 'utf8')).toBe('1\n2\n3\n');
  });
});

describe('COPY FROM and defaults', () => {
  it('fills the columns not listed with their DEFAULT', async () => {
    await client().query(`DROP TABLE IF EXISTS d; CREATE TABLE d (id int, tag text DEFAULT 'none', n int)`);
    expect(await copyIn('COPY d (id) FROM STDIN', '1\n2\n')).toBe(2);
    const r = await client().query({ text: 'SELECT id, tag, n FROM d ORDER BY id', rowMode: 'array' });
    expect(r.rows).toEqual([
      [1, 'none', null],
      [2, 'none', null],
    ]);
  });
});

describe('a failed COPY in a transaction block', () => {
  it('fails the transaction: later statements get 25P02 until ROLLBACK', async () => {
    await client().query('BEGIN');
    await expect(copyIn('COPY t FROM STDIN', 'not-a-number\tx\t1\n')).rejects.toMatchObject({
      code: '22P02',
    });
    await expect(client().query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await client().query('ROLLBACK');
    expect((await client().query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});

describe('COPY FROM and locks', () => {
  const pgt = withPgServer();
  const copyVia = async (c: pg.Client, sql: string, data: string): Promise<number> => {
    const stream = c.query(copyFrom(sql));
    await pipeline(Readable.from([data]), stream);
    return stream.rowCount ?? -1;
  };
  /** Whether `p` is still pending after the server had time to answer. */
  const pending = async (p: Promise<unknown>): Promise<boolean> => {
    let done = false;
    void p.then(
      () => (done = true),
      () => (done = true),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    return !done;
  };

  it('waits for a transaction altering the table, then loads into the table as committed', async () => {
    const [a, b] = [await pgt.client(), await pgt.client()];
    await a.query('CREATE TABLE w (id int)');
    await a.query(`BEGIN; ALTER TABLE w ADD COLUMN tag text DEFAULT 'new'`);
    const copying = copyVia(b, 'COPY w (id) FROM STDIN', '1\n2\n');
    expect(await pending(copying)).toBe(true);
    await a.query('COMMIT');
    expect(await copying).toBe(2);
    const r = await b.query({ text: 'SELECT id, tag FROM w ORDER BY id', rowMode: 'array' });
    expect(r.rows).toEqual([
      [1, 'new'],
      [2, 'new'],
    ]);
  });

  it('ends the wait after lock_timeout with 55P03 and loads nothing', async () => {
    const [a, b] = [await pgt.client(), await pgt.client()];
    await a.query('CREATE TABLE w2 (id int)');
    await b.query(`SET lock_timeout = '30ms'`);
    await a.query('BEGIN; ALTER TABLE w2 ADD COLUMN x int');
    await expect(copyVia(b, 'COPY w2 FROM STDIN', '1\n')).rejects.toMatchObject({ code: '55P03' });
    await a.query('ROLLBACK');
    expect((await b.query('SELECT count(*)::int AS n FROM w2')).rows).toEqual([{ n: 0 }]);
    expect(await copyVia(b, 'COPY w2 FROM STDIN', '5\n')).toBe(1);
  });
});

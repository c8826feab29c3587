import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

describe('liveviewdb serve --demo', () => {
  it('loads the demo tables before listening and prints example queries (settings from --config)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvdb-demo-'));
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ demo: true, 'demo-rows': 5000, 'pg-port': 1, 'log-level': 'warn' }));
    const child = spawn('node_modules/.bin/tsx', [
      'src/cli/main.ts',
      'serve',
      '--config',
      cfg,
      '--pg-port',
      '0',
      '--http-port',
      '0',
      '--data-dir',
      join(dir, 'data'),
    ]);
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: string) => {
          out += d;
          if (/Try:\n.*\n.*\n/.test(out)) resolve();
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const port = Number(/-p (\d+)/.exec(out)![1]);
      const queries = out
        .split('Try:\n')[1]!
        .trim()
        .split('\n')
        .map((q) => q.trim());
      expect(queries).toHaveLength(2);
      const password = /admin \(shown only once\): (\S+)/.exec(out)![1];
      const client = new pg.Client({
        host: '127.0.0.1',
        port,
        user: 'admin',
        database: 'liveview',
        password,
      });
      await client.connect();
      try {
        expect((await client.query('SELECT count(*)::int AS n FROM sales')).rows).toEqual([{ n: 5000 }]);
        for (const q of queries) expect((await client.query(q)).rows.length).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
    } finally {
      child.kill('SIGTERM');
    }
  });
});

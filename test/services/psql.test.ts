import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type RunningServer } from '../helpers/serve.js';

/** psql against `liveviewdb serve` started as a user would start it (the CLI, password set). */
const PSQL = ['/usr/bin/psql', '/usr/local/bin/psql'].find((p) => existsSync(p));
if (!PSQL)
  console.warn('psql not found (looked in /usr/bin and /usr/local/bin): skipping the psql smoke test');

const run = promisify(execFile);
let server: RunningServer | undefined;
let port = 0;

beforeAll(async () => {
  if (!PSQL) return;
  server = await startServe('smoke');
  port = server.port;
});

afterAll(async () => {
  await server?.stop();
});

const psql = (sql: string, password = 'smoke'): Promise<{ stdout: string }> =>
  run(
    PSQL!,
    [
      '-X',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-v',
      'VERBOSITY=verbose',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'admin',
      '-d',
      'liveview',
      '-c',
      sql,
    ],
    {
      env: { ...process.env, PGPASSWORD: password, PGSSLMODE: 'prefer' },
    },
  );

describe.skipIf(!PSQL)('psql', () => {
  it('connects with the password and runs statements', async () => {
    const { stdout } = await psql(
      "CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b'); SELECT id, name FROM t ORDER BY id",
    );
    expect(stdout.trim().split('\n')).toEqual(['CREATE TABLE', 'INSERT 0 2', '1|a', '2|b']);
  });

  it('shows the SQLSTATE of an error and exits non-zero', async () => {
    const err = (await psql('SELECT 1/0').catch((e: unknown) => e)) as {
      stderr: string;
    };
    expect(err.stderr).toContain('ERROR:  22012: division by zero');
  });

  it('is refused with a wrong password', async () => {
    const err = (await psql('SELECT 1', 'wrong').catch((e: unknown) => e)) as { stderr: string };
    expect(err.stderr).toContain('password authentication failed for user "admin"');
  });
});

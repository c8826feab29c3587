import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Global setup of the clients suite: one `liveviewdb serve`, started as a user would (the CLI, a
 * free port, a fresh data directory, the admin password from LIVEVIEWDB_PASSWORD), shared by
 * every client test. Tests read the port with `inject('pgPort')`.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    pgPort: number;
    pgPassword: string;
  }
}

const PASSWORD = 'clients-secret';

export default async function setup(project: TestProject): Promise<() => void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liveviewdb-clients-'));
  const server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--pg-port',
      '0',
      '--http-port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
    ],
    {
      env: { ...process.env, LIVEVIEWDB_PASSWORD: PASSWORD },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Connect with: .*psql -h \S+ -p (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.once('exit', (code) => reject(new Error(`liveviewdb serve exited with ${code}: ${out}`)));
  });
  project.provide('pgPort', port);
  project.provide('pgPassword', PASSWORD);
  return () => {
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
}

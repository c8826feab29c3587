import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `liveviewdb serve` process started as a user would (the CLI), on free ports. */
export interface RunningServer {
  readonly port: number;
  /**
   * Stops the server (SIGTERM), waits for it to exit (it writes a last checkpoint), then removes its
   * data directory unless it was given.
   */
  stop(): Promise<void>;
  /** Sends `signal` and resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the CLI server on a fresh data directory (or `keptDataDir`, which stays) with
 * LIVEVIEWDB_PASSWORD = `password`, and resolves with its PostgreSQL port once it prints the psql
 * command line.
 *
 * @example
 * const srv = await startServe('secret');
 * // psql -h 127.0.0.1 -p srv.port -U admin liveview
 * await srv.stop();
 */
export async function startServe(
  password: string,
  extraArgs: readonly string[] = [],
  keptDataDir?: string,
): Promise<RunningServer> {
  const dataDir = keptDataDir ?? mkdtempSync(join(tmpdir(), 'liveviewdb-serve-'));
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
      ...extraArgs,
    ],
    { env: { ...process.env, LIVEVIEWDB_PASSWORD: password }, stdio: ['ignore', 'pipe', 'inherit'] },
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
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  return {
    port,
    stop: async () => {
      server.kill('SIGTERM');
      await exited;
      if (keptDataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
    kill: async (signal) => {
      server.kill(signal);
      await exited;
    },
  };
}

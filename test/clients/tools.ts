import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Finding and running the client programs. A missing program skips its tests with a message,
 * unless LIVEVIEWDB_REQUIRE_CLIENTS=1 (CI), where it fails the suite instead.
 */

const REQUIRED = process.env.LIVEVIEWDB_REQUIRE_CLIENTS === '1';

/** The first path that exists, or undefined (after saying what is missing and how to get it). */
export function findTool(what: string, paths: readonly string[], install: string): string | undefined {
  const found = paths.find((p) => existsSync(p));
  if (found) return found;
  const message = `${what} not found (looked at ${paths.join(', ')}): install it with \`${install}\``;
  if (REQUIRED) throw new Error(`${message} (LIVEVIEWDB_REQUIRE_CLIENTS=1)`);
  console.warn(`skipping the ${what} tests: ${message}`);
  return undefined;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a program to its end, feeding `input` on stdin; never throws on a non-zero exit. */
export function runTool(
  file: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: { ...process.env, ...options.env }, cwd: options.cwd, timeout: 90_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ stdout, stderr, code });
      },
    );
    child.stdin!.end(options.input ?? '');
  });
}

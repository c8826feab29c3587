import { execFile } from 'node:child_process';

/** Runs `tsx src/cli/main.ts ARGS` to completion; never rejects on a non-zero exit. */
export function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

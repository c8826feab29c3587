import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helpers.js';

describe('liveviewdb --help', () => {
  it('lists the commands', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/serve[\s\S]*sql[\s\S]*import FILE/);
  });

  it.each([
    ['serve', ['--pg-port PORT', '--demo-rows N', '--config FILE', 'default 1000000']],
    ['sql', ['-c, --command SQL', '-f, --file FILE', '--url URL', '--token TOKEN', 'LIVEVIEWDB_TOKEN']],
    ['import', ['--table TABLE', '--create', '--skip-errors N', '--no-header', 'default ,']],
  ])('shows the flags and defaults of %s', async (command, flags) => {
    const r = await cli([command, '--help']);
    expect(r.code).toBe(0);
    for (const f of flags) expect(r.stdout).toContain(f);
  });

  it('fails on an unknown command', async () => {
    expect((await cli(['frobnicate'])).code).toBe(1);
  });
});

describe('the liveviewdb bin entry', () => {
  it('runs the CLI from a source checkout', async () => {
    const r = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ['bin/liveviewdb.js', 'sql', '-c', 'SELECT 40 + 2 AS answer'],
        (err, stdout) => resolve({ code: err ? 1 : 0, stdout }),
      );
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('42');
  });
});

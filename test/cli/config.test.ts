import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withConfigFile } from '../../src/cli/config.js';

const dir = mkdtempSync(join(tmpdir(), 'lvdb-config-'));
function config(json: string): string {
  const p = join(dir, `c${Math.random()}.json`);
  writeFileSync(p, json);
  return p;
}

describe('withConfigFile', () => {
  it('puts the file settings before the command-line flags, so flags override them', () => {
    const f = config('{"pg-port": 7000, "demo": true, "host": "0.0.0.0", "quiet": false}');
    expect(withConfigFile(['--config', f, '--pg-port', '8000'])).toEqual([
      '--pg-port',
      '7000',
      '--demo',
      '--host',
      '0.0.0.0',
      '--pg-port',
      '8000',
    ]);
    expect(withConfigFile([`--config=${f}`])).toContain('--demo');
  });

  it('leaves arguments alone without --config', () => {
    expect(withConfigFile(['--demo'])).toEqual(['--demo']);
  });

  it('fails clearly on unreadable or non-object files and nested values', () => {
    expect(() => withConfigFile(['--config', join(dir, 'missing.json')])).toThrow(/cannot read config file/);
    expect(() => withConfigFile(['--config', config('[1]')])).toThrow(/must hold a JSON object/);
    expect(() => withConfigFile(['--config', config('{"host": {"a": 1}}')])).toThrow(/"host" must be/);
  });
});

import { readFileSync } from 'node:fs';

/**
 * Expands `--config FILE` in a command's arguments: the file is a JSON object whose keys are the
 * command's long flags without dashes (`{ "pg-port": 6543, "demo": true }`). Its settings go
 * before the other arguments, so flags given on the command line override the file. `true` gives
 * a boolean flag, `false` and `null` leave it out; unknown keys fail as unknown flags would.
 * @example
 * withConfigFile(['--config', 'lvdb.json', '--pg-port', '7000']);
 * // ['--pg-port', '6543', '--demo', '--pg-port', '7000'] for {"pg-port": 6543, "demo": true}
 */
export function withConfigFile(argv: readonly string[]): string[] {
  const rest: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config') file = argv[++i];
    else if (a.startsWith('--config=')) file = a.slice('--config='.length);
    else rest.push(a);
  }
  if (file === undefined) return rest;
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new Error(`config file ${file} must hold a JSON object`);
  const fromFile: string[] = [];
  for (const [key, v] of Object.entries(config)) {
    if (v === false || v === null) continue;
    if (v === true) fromFile.push(`--${key}`);
    else if (typeof v === 'string' || typeof v === 'number') fromFile.push(`--${key}`, String(v));
    else throw new Error(`config file ${file}: "${key}" must be a string, number or boolean`);
  }
  return [...fromFile, ...rest];
}

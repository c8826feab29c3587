/**
 * Runs SQLite's sqllogictest corpus against LiveViewDB (engine name `postgresql`) and ratchets
 * the pass rate against test/conformance/baseline.json. See docs/conformance.md.
 *
 * @example
 * npm run conformance                          # whole corpus, 2 worker threads
 * npm run conformance -- --check               # CI: fail when the pass rate drops below the baseline
 * npm run conformance -- --limit 200 evidence  # quick iteration on part of the corpus
 *
 * Files run in worker threads, one fresh database per file. A worker that stops making progress
 * (a synchronous loop the per-record timer cannot interrupt) or dies is terminated; the records
 * it did not finish count as failed and the run goes on with a new worker.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { open } from '../../src/index.js';
import {
  DEFAULT_RECORD_TIMEOUT_MS,
  classifyRecords,
  parseTestFile,
  runFile,
  type EngineFactory,
  type FileResult,
  type RecordFailure,
  type SqlLogicDatabase,
} from './sqllogictest.js';

// Compile-time check that the engine's public API is what the runner drives.
const _engineFits =
  (openDatabase: typeof open): EngineFactory =>
  () =>
    openDatabase();

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_CORPUS_DIR = resolve(REPO_ROOT, '../shared/conformance/sqllogictest');
const DEFAULT_BASELINE_PATH = resolve(REPO_ROOT, 'test/conformance/baseline.json');
const DEFAULT_ENGINE_MODULE = new URL('../../src/index.js', import.meta.url).href;

/** A file's pass count may drop by at most this share of its records before --check fails. */
const PER_FILE_TOLERANCE = 0.001;
/** The overall pass rate may drop by at most this much (absolute) before --check fails. */
const PASS_RATE_TOLERANCE = 0.0001;

const USAGE = `usage: npm run conformance -- [options] [file-or-dir ...]

Runs the sqllogictest corpus (default: $SQLLOGICTEST_DIR, else ../shared/conformance/sqllogictest
from the repo root). Paths are taken relative to the current directory, else to the corpus.

  --check               exit 1 when the pass rate fell below the baseline
  --update-baseline     write the baseline from this run
  --baseline FILE       the baseline (default test/conformance/baseline.json)
  --failures FILE       write failures as JSON lines to FILE
  --max-failures N      keep at most N failures per file and in FILE (default 1000)
  --limit N             run only the first N records of each file
  --jobs N              worker threads (default 2)
  --record-timeout MS   budget per record (default ${DEFAULT_RECORD_TIMEOUT_MS})
  --engine MODULE       module exporting open() (default src/index.ts)`;

// Slots of the Int32Array a worker shares with the main thread.
const SLOT_INDEX = 0; // record in flight, -1 before the first
const SLOT_SEQ = 1; // bumped at every record start: the watchdog's heartbeat
const SLOT_PASSED = 2;
const SLOT_FAILED = 3;
const SLOT_SKIPPED = 4;
const SLOT_COUNT = 5;

interface WorkerInit {
  readonly engineModule: string;
  readonly progress: SharedArrayBuffer;
}

interface RunRequest {
  readonly path: string;
  readonly name: string;
  readonly limit: number | undefined;
  readonly recordTimeoutMs: number;
  readonly maxFailures: number;
}

type WorkerReply =
  | { readonly kind: 'result'; readonly result: FileResult }
  | { readonly kind: 'error'; readonly message: string };

interface CliOptions {
  readonly check: boolean;
  readonly updateBaseline: boolean;
  readonly failuresPath: string | undefined;
  readonly maxFailures: number;
  readonly limit: number | undefined;
  readonly jobs: number;
  readonly recordTimeoutMs: number;
  readonly engineModule: string;
  readonly baselinePath: string;
  readonly paths: readonly string[];
}

interface Baseline {
  readonly passRate: number;
  readonly passed: number;
  readonly failed: number;
  readonly perFile: Readonly<Record<string, { readonly passed: number; readonly failed: number }>>;
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Worker thread

async function workerMain(): Promise<void> {
  const init = workerData as WorkerInit;
  const progress = new Int32Array(init.progress);
  const port = parentPort!;
  let factory: EngineFactory | undefined;
  port.on('message', (req: RunRequest) => {
    void (async (): Promise<WorkerReply> => {
      try {
        factory ??= await loadEngine(init.engineModule);
        const result = await runFile(factory, req.path, {
          displayName: req.name,
          limit: req.limit,
          recordTimeoutMs: req.recordTimeoutMs,
          maxFailures: req.maxFailures,
          onRecordStart: (p) => {
            Atomics.store(progress, SLOT_PASSED, p.passed);
            Atomics.store(progress, SLOT_FAILED, p.failed);
            Atomics.store(progress, SLOT_SKIPPED, p.skipped);
            Atomics.store(progress, SLOT_INDEX, p.index);
            Atomics.add(progress, SLOT_SEQ, 1);
          },
        });
        return { kind: 'result', result };
      } catch (e) {
        return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
      }
    })().then((reply) => port.postMessage(reply));
  });
}

async function loadEngine(specifier: string): Promise<EngineFactory> {
  const mod = (await import(specifier)) as { open?: unknown };
  if (typeof mod.open !== 'function') throw new Error(`${specifier} does not export open()`);
  const openDatabase = mod.open as () => Promise<SqlLogicDatabase>;
  return () => openDatabase();
}

// ---------------------------------------------------------------------------------------------
// Worker pool (main thread)

interface FileJob {
  readonly path: string;
  readonly name: string;
}

interface JobOutcome {
  readonly result: FileResult;
  readonly elapsedMs: number;
  /** Set when the worker was lost: why, and that the records from the one in flight on failed. */
  readonly lost?: string;
}

/** One worker thread that runs one file at a time and is replaced when it dies or stalls. */
class FileWorker {
  private readonly worker: Worker;
  private readonly progress: Int32Array;
  private alive = true;

  constructor(engineModule: string) {
    const shared = new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT);
    this.progress = new Int32Array(shared);
    // The worker runs this same .ts file, so it registers tsx's loader before importing it.
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const self = JSON.stringify(import.meta.url);
    const bootstrap = `import(${tsx}).then((m) => { m.register(); return import(${self}); });`;
    const init: WorkerInit = { engineModule, progress: shared };
    this.worker = new Worker(bootstrap, { eval: true, workerData: init });
  }

  get usable(): boolean {
    return this.alive;
  }

  run(job: FileJob, cli: CliOptions): Promise<JobOutcome> {
    const started = Date.now();
    this.progress.fill(0);
    Atomics.store(this.progress, SLOT_INDEX, -1);
    // A stall longer than two record budgets cannot be a slow record: the timer would have fired.
    const stallMs = 2 * cli.recordTimeoutMs + 10_000;
    return new Promise<JobOutcome>((resolvePromise) => {
      let settled = false;
      let lastSeq = -1;
      let lastChange = Date.now();
      let crash: string | undefined;
      const finish = (outcome: JobOutcome): void => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
        this.worker.off('exit', onExit);
        resolvePromise(outcome);
      };
      const lose = (reason: string): void => {
        this.alive = false;
        finish({
          result: salvage(job, cli, this.progress, reason),
          elapsedMs: Date.now() - started,
          lost: reason,
        });
      };
      const onMessage = (reply: WorkerReply): void => {
        if (reply.kind === 'result') finish({ result: reply.result, elapsedMs: Date.now() - started });
        else {
          void this.worker.terminate();
          lose(reply.message);
        }
      };
      const onError = (e: Error): void => {
        crash = `worker crashed: ${e.message}`;
      };
      const onExit = (code: number): void => {
        lose(crash ?? `worker exited with code ${code}`);
      };
      const watchdog = setInterval(() => {
        const seq = Atomics.load(this.progress, SLOT_SEQ);
        if (seq !== lastSeq) {
          lastSeq = seq;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > stallMs) {
          crash = `no progress for ${Math.round(stallMs / 1000)} s; worker terminated`;
          this.alive = false;
          void this.worker.terminate();
        }
      }, 1000);
      this.worker.on('message', onMessage);
      this.worker.on('error', onError);
      this.worker.on('exit', onExit);
      const req: RunRequest = {
        path: job.path,
        name: job.name,
        limit: cli.limit,
        recordTimeoutMs: cli.recordTimeoutMs,
        maxFailures: cli.maxFailures,
      };
      this.worker.postMessage(req);
    });
  }

  async stop(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }
}

/**
 * The result of a file whose worker was lost: the counts it published before the record in flight,
 * and every record from that one on that would have run counted as failed.
 */
function salvage(job: FileJob, cli: CliOptions, progress: Int32Array, reason: string): FileResult {
  let records = parseTestFile(readFileSync(job.path, 'utf8'), job.name);
  if (cli.limit !== undefined) records = records.slice(0, cli.limit);
  const dispositions = classifyRecords(records);
  const index = Atomics.load(progress, SLOT_INDEX);
  const started = index >= 0;
  const passed = started ? Atomics.load(progress, SLOT_PASSED) : 0;
  let failed = started ? Atomics.load(progress, SLOT_FAILED) : 0;
  let skipped = started ? Atomics.load(progress, SLOT_SKIPPED) : 0;
  for (let i = Math.max(index, 0); i < records.length; i++) {
    if (dispositions[i] === 'run') failed++;
    else if (dispositions[i] === 'skip') skipped++;
  }
  const inFlight = started ? records[index] : records.find((_, i) => dispositions[i] === 'run');
  const failures: RecordFailure[] = [];
  if (inFlight) {
    const sql = inFlight.kind === 'statement' || inFlight.kind === 'query' ? inFlight.sql : '';
    failures.push({ file: job.name, line: inFlight.line, sql, expected: '', error: reason });
  }
  return { file: job.name, passed, failed, skipped, failures };
}

async function runAll(jobs: readonly FileJob[], cli: CliOptions): Promise<FileResult[]> {
  const queue = [...jobs];
  const results: FileResult[] = [];
  const lane = async (): Promise<void> => {
    let worker: FileWorker | undefined;
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      if (!worker?.usable) worker = new FileWorker(cli.engineModule);
      const outcome = await worker.run(job, cli);
      results.push(outcome.result);
      const r = outcome.result;
      const notes = [`${r.skipped} skipped`, `${(outcome.elapsedMs / 1000).toFixed(1)} s`];
      if (outcome.lost !== undefined) notes.push(`lost: ${outcome.lost}`);
      console.log(`${r.file}: ${r.passed}/${r.passed + r.failed}  (${notes.join(', ')})`);
    }
    await worker?.stop();
  };
  await Promise.all(Array.from({ length: Math.min(cli.jobs, jobs.length) }, lane));
  return results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Command line

function parseCli(argv: readonly string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      check: { type: 'boolean', default: false },
      'update-baseline': { type: 'boolean', default: false },
      failures: { type: 'string' },
      'max-failures': { type: 'string' },
      limit: { type: 'string' },
      jobs: { type: 'string' },
      'record-timeout': { type: 'string' },
      engine: { type: 'string' },
      baseline: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const count = (
    name: string,
    text: string | undefined,
    fallback: number | undefined,
  ): number | undefined => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--${name} needs a positive integer, got "${text}"`);
    return n;
  };
  const cli: CliOptions = {
    check: values.check,
    updateBaseline: values['update-baseline'],
    failuresPath: values.failures,
    maxFailures: count('max-failures', values['max-failures'], 1000)!,
    limit: count('limit', values.limit, undefined),
    jobs: count('jobs', values.jobs, 2)!,
    recordTimeoutMs: count('record-timeout', values['record-timeout'], DEFAULT_RECORD_TIMEOUT_MS)!,
    engineModule:
      values.engine === undefined ? DEFAULT_ENGINE_MODULE : pathToFileURL(resolve(values.engine)).href,
    baselinePath: values.baseline === undefined ? DEFAULT_BASELINE_PATH : resolve(values.baseline),
    paths: positionals,
  };
  if (cli.check && cli.updateBaseline)
    throw new UsageError('--check and --update-baseline exclude each other');
  if ((cli.check || cli.updateBaseline) && cli.limit !== undefined) {
    throw new UsageError(
      '--limit runs part of each file; it cannot be checked against or become the baseline',
    );
  }
  if (cli.updateBaseline && cli.paths.length > 0) {
    throw new UsageError('--update-baseline needs the whole corpus; drop the paths');
  }
  return cli;
}

function collectTestFiles(path: string, out: string[]): void {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) collectTestFiles(join(path, entry), out);
  } else if (path.endsWith('.test')) {
    out.push(path);
  }
}

function findJobs(corpusDir: string, paths: readonly string[]): FileJob[] {
  const files: string[] = [];
  if (paths.length === 0) {
    if (!existsSync(corpusDir)) {
      throw new UsageError(`corpus not found at ${corpusDir} (set SQLLOGICTEST_DIR or pass paths)`);
    }
    collectTestFiles(corpusDir, files);
  }
  for (const p of paths) {
    const candidates = isAbsolute(p) ? [p] : [resolve(p), resolve(corpusDir, p)];
    const found = candidates.find((c) => existsSync(c));
    if (found === undefined) throw new UsageError(`no such file or directory: ${p}`);
    collectTestFiles(found, files);
  }
  const unique = [...new Set(files)].sort();
  if (unique.length === 0) throw new UsageError('no .test files found');
  return unique.map((path) => ({ path, name: displayName(corpusDir, path) }));
}

/** Names files relative to the corpus (the baseline's keys), with forward slashes. */
function displayName(corpusDir: string, path: string): string {
  const inCorpus = relative(corpusDir, path);
  const name = inCorpus.startsWith('..') || isAbsolute(inCorpus) ? relative(process.cwd(), path) : inCorpus;
  return name.split(sep).join('/');
}

function passRate(passed: number, failed: number): number {
  return passed + failed === 0 ? 0 : passed / (passed + failed);
}

function checkAgainstBaseline(path: string, results: readonly FileResult[], wholeCorpus: boolean): string[] {
  if (!existsSync(path)) return [`no baseline at ${path}; run with --update-baseline first`];
  const baseline = JSON.parse(readFileSync(path, 'utf8')) as Baseline;
  const problems: string[] = [];
  const byFile = new Map(results.map((r) => [r.file, r]));
  if (wholeCorpus) {
    const passed = results.reduce((n, r) => n + r.passed, 0);
    const failed = results.reduce((n, r) => n + r.failed, 0);
    const rate = passRate(passed, failed);
    if (rate < baseline.passRate - PASS_RATE_TOLERANCE) {
      problems.push(`pass rate ${percent(rate)} is below the baseline's ${percent(baseline.passRate)}`);
    } else if (rate > baseline.passRate + PASS_RATE_TOLERANCE) {
      console.log(
        `pass rate is above the baseline's ${percent(baseline.passRate)}: run --update-baseline to ratchet it`,
      );
    }
  } else {
    console.log('overall pass rate not checked: only part of the corpus ran');
  }
  for (const [file, base] of Object.entries(baseline.perFile)) {
    const now = byFile.get(file);
    if (now === undefined) {
      if (wholeCorpus) problems.push(`${file}: in the baseline but not run`);
      continue;
    }
    const records = base.passed + base.failed;
    const drop = base.passed - now.passed;
    if (drop > PER_FILE_TOLERANCE * records) {
      problems.push(
        `${file}: ${now.passed} passed, baseline ${base.passed} (${drop} fewer of ${records} records)`,
      );
    }
  }
  return problems;
}

async function writeBaseline(path: string, results: readonly FileResult[]): Promise<void> {
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const perFile: Record<string, { passed: number; failed: number }> = {};
  for (const r of results) perFile[r.file] = { passed: r.passed, failed: r.failed };
  const baseline: Baseline = {
    passRate: Math.round(passRate(passed, failed) * 1e6) / 1e6,
    passed,
    failed,
    perFile,
  };
  await writeFile(path, JSON.stringify(baseline, null, 2) + '\n');
  console.log(`baseline written to ${relative(process.cwd(), path)}`);
}

async function writeFailures(path: string, results: readonly FileResult[], max: number): Promise<void> {
  const lines = results
    .flatMap((r) => r.failures)
    .slice(0, max)
    .map((f) => JSON.stringify(f));
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, lines.length > 0 ? lines.join('\n') + '\n' : '');
  console.log(`${lines.length} failures written to ${path}`);
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(4)}%`;
}

async function main(): Promise<number> {
  let cli: CliOptions;
  let jobs: FileJob[];
  try {
    cli = parseCli(process.argv.slice(2));
    jobs = findJobs(process.env['SQLLOGICTEST_DIR'] ?? DEFAULT_CORPUS_DIR, cli.paths);
  } catch (e) {
    if (!(e instanceof UsageError) && !(e instanceof TypeError)) throw e; // parseArgs throws TypeError
    if (e.message !== '') console.error(e.message);
    console.error(USAGE);
    return 2;
  }
  const started = Date.now();
  const results = await runAll(jobs, cli);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  console.log(`${passed} passed, ${failed} failed`);
  console.log(
    `pass rate: ${percent(passRate(passed, failed))} (${skipped} skipped, ${results.length} files)`,
  );
  console.log(`elapsed: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (cli.failuresPath !== undefined) await writeFailures(cli.failuresPath, results, cli.maxFailures);
  if (cli.updateBaseline) await writeBaseline(cli.baselinePath, results);
  if (cli.check) {
    const problems = checkAgainstBaseline(cli.baselinePath, results, cli.paths.length === 0);
    for (const p of problems) console.log(`conformance check: ${p}`);
    if (problems.length > 0) return 1;
    console.log('conformance check: no regression against the baseline');
  }
  return 0;
}

if (isMainThread) process.exitCode = await main();
else await workerMain();

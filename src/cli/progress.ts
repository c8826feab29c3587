import type { SourceProgress } from '../ingest/source.js';

const MB = 1024 * 1024;

function amount(n: number, unit: 'bytes' | 'rows'): string {
  return unit === 'bytes' ? `${(n / MB).toFixed(1)} MB` : `${n.toLocaleString('en-US')} rows`;
}

/**
 * Import progress on stderr: a bar redrawn in place when stderr is a terminal, otherwise one log
 * line every `intervalMs` (and none for imports that finish sooner).
 */
export class ProgressReporter {
  private readonly started = Date.now();
  private last = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = stream.isTTY ? 100 : 5000,
  ) {}

  update(p: SourceProgress, rows: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    if (!force && !this.stream.isTTY && now - this.started < this.intervalMs) return;
    this.last = now;
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const frac = p.total > 0 ? Math.min(p.done / p.total, 1) : 1;
    const rate = `${Math.round(rows / secs).toLocaleString('en-US')} rows/s`;
    const text = `${amount(p.done, p.unit)} / ${amount(p.total, p.unit)}, ${rows.toLocaleString('en-US')} rows, ${rate}`;
    if (this.stream.isTTY) {
      const width = 30;
      const full = Math.round(frac * width);
      this.stream.write(
        `\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}% ${text}\x1b[K`,
      );
    } else {
      this.stream.write(`import: ${(frac * 100).toFixed(0)}% ${text}\n`);
    }
  }

  /** Ends the bar's line (terminal only). */
  done(): void {
    if (this.stream.isTTY && this.last > 0) this.stream.write('\n');
  }
}

import type { Engine } from '../../engine/database.js';

export type QueryOutcome = 'ok' | 'client_error' | 'server_error';

/** Upper bounds of the query latency histogram, in seconds. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Gauges read when scraped, from the parts of the server that own them. */
export interface MetricSources {
  readonly engine: Engine;
  /** Open HTTP connections (WebSocket ones included). */
  httpConnections(): number;
  /** Open live subscriptions. */
  liveSubscriptions(): number;
  /** Open PostgreSQL-protocol connections, when a pg server runs beside. */
  pgConnections?: () => number;
}

/**
 * The server's metrics in Prometheus' text exposition format (version 0.0.4): queries by outcome,
 * a query latency histogram, rows ingested, process memory and open connections.
 *
 * @example
 * metrics.recordQuery('ok', 3.2);
 * metrics.render(); // '# HELP liveviewdb_queries_total ...'
 */
export class HttpMetrics {
  private readonly queries: Record<QueryOutcome, number> = { ok: 0, client_error: 0, server_error: 0 };
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  private readonly bucketCounts = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  private latencySum = 0;
  private latencyCount = 0;

  constructor(private readonly sources: MetricSources) {}

  recordQuery(outcome: QueryOutcome, elapsedMs: number): void {
    this.queries[outcome]++;
    const s = elapsedMs / 1000;
    let i = LATENCY_BUCKETS.findIndex((b) => s <= b);
    if (i < 0) i = LATENCY_BUCKETS.length;
    this.bucketCounts[i]!++;
    this.latencySum += s;
    this.latencyCount++;
  }

  render(): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    family('liveviewdb_queries_total', 'counter', 'Queries run through the HTTP API, by outcome.');
    for (const [k, v] of Object.entries(this.queries))
      out.push(`liveviewdb_queries_total{outcome="${k}"} ${v}`);

    family('liveviewdb_query_duration_seconds', 'histogram', 'Latency of HTTP API queries.');
    let cumulative = 0;
    LATENCY_BUCKETS.forEach((b, i) => {
      cumulative += this.bucketCounts[i]!;
      out.push(`liveviewdb_query_duration_seconds_bucket{le="${b}"} ${cumulative}`);
    });
    cumulative += this.bucketCounts[LATENCY_BUCKETS.length]!;
    out.push(`liveviewdb_query_duration_seconds_bucket{le="+Inf"} ${cumulative}`);
    out.push(`liveviewdb_query_duration_seconds_sum ${this.latencySum}`);
    out.push(`liveviewdb_query_duration_seconds_count ${this.latencyCount}`);

    family('liveviewdb_rows_ingested_total', 'counter', 'Rows inserted by committed transactions.');
    out.push(`liveviewdb_rows_ingested_total ${this.sources.engine.rowsInserted}`);

    const mem = process.memoryUsage();
    family('process_resident_memory_bytes', 'gauge', 'Resident set size in bytes.');
    out.push(`process_resident_memory_bytes ${mem.rss}`);
    family('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.');
    out.push(`nodejs_heap_size_used_bytes ${mem.heapUsed}`);
    family('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap allocated, in bytes.');
    out.push(`nodejs_heap_size_total_bytes ${mem.heapTotal}`);

    family('liveviewdb_open_connections', 'gauge', 'Open client connections, by protocol.');
    out.push(`liveviewdb_open_connections{protocol="http"} ${this.sources.httpConnections()}`);
    if (this.sources.pgConnections)
      out.push(`liveviewdb_open_connections{protocol="pg"} ${this.sources.pgConnections()}`);
    family('liveviewdb_live_subscriptions', 'gauge', 'Open WebSocket live subscriptions.');
    out.push(`liveviewdb_live_subscriptions ${this.sources.liveSubscriptions()}`);
    return out.join('\n') + '\n';
  }
}

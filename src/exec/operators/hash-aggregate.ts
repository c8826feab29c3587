import type { AggCall } from '../../plan/logical.js';
import type { Expr } from '../../plan/expr.js';
import type { Accumulator } from '../../sql/aggregates/aggregate.js';
import { withDistinct } from '../../sql/aggregates/distinct.js';
import type { Value } from '../../types/values.js';
import { vectorGet, type Batch, type Vector } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import type { ExecContext } from '../context.js';
import { groupKey } from './keys.js';
import { BlockingOperator, rowBytes, type Operator } from './operator.js';
import { compareKeys } from './sort.js';

interface AggSlot {
  readonly call: AggCall;
  readonly acc: Accumulator;
  readonly args: CompiledExpr[];
  readonly filter: CompiledExpr | null;
  readonly orderKeys: CompiledExpr[];
  readonly strict: boolean;
}

interface Group {
  readonly keys: Value[];
  readonly states: unknown[];
  /** Buffered (args, sort keys) per aggregate with ORDER BY, fed in order at the end. */
  readonly ordered: ({ args: Value[]; key: Value[] }[] | null)[];
}

/**
 * Hash aggregation with GROUPING SETS (ROLLUP and CUBE expand to sets). Output per group: the
 * group-by values (NULL where the set omits a key), the aggregate results, and with several sets
 * the grouping bitmask (bit set = key not grouped, as GROUPING() reports it).
 */
export class HashAggregateOperator extends BlockingOperator {
  private readonly keys: CompiledExpr[];
  private readonly slots: AggSlot[];
  private readonly sets: readonly (readonly number[])[];
  private readonly tables: Map<unknown, Group>[];
  private directArgs: Value[][] | null = null;

  constructor(
    input: Operator,
    ncols: number,
    groupBy: readonly Expr[],
    sets: readonly (readonly number[])[] | null,
    private readonly aggs: readonly AggCall[],
  ) {
    super(input, ncols);
    this.keys = groupBy.map((e) => new CompiledExpr(e));
    this.sets = sets ?? [groupBy.map((_e, i) => i)];
    this.tables = this.sets.map(() => new Map());
    this.slots = aggs.map((call) => ({
      call,
      acc: null as unknown as Accumulator,
      args: call.args.map((a) => new CompiledExpr(a)),
      filter: call.filter ? new CompiledExpr(call.filter) : null,
      orderKeys: call.orderBy.map((k) => new CompiledExpr(k.expr)),
      strict: call.fn.strict !== false,
    }));
  }

  private initAccumulators(ctx: ExecContext): void {
    if (this.directArgs) return;
    this.directArgs = this.aggs.map((a) => a.directArgs.map((d) => new CompiledExpr(d).evalRow([], ctx)));
    this.slots.forEach((s, k) => {
      let acc = s.call.fn.make(
        s.call.args.map((a) => a.type),
        this.directArgs![k]!,
      );
      if (s.call.distinct) acc = withDistinct(acc);
      (s as { acc: Accumulator }).acc = acc;
    });
  }

  private newGroup(keys: Value[], ctx: ExecContext): Group {
    ctx.reserve(rowBytes(keys) + this.slots.length * 48);
    return {
      keys,
      states: this.slots.map((s) => s.acc.init()),
      ordered: this.slots.map((s) => (s.call.orderBy.length > 0 && !s.call.fn.orderedSet ? [] : null)),
    };
  }

  protected consume(b: Batch, ctx: ExecContext): void {
    this.initAccumulators(ctx);
    const keyVecs = this.keys.map((k) => k.evalBatch(b, ctx));
    const argVecs: Vector[][] = this.slots.map((s) => s.args.map((a) => a.evalBatch(b, ctx)));
    const filterVecs = this.slots.map((s) => (s.filter ? s.filter.evalBatch(b, ctx) : null));
    const orderVecs = this.slots.map((s) => s.orderKeys.map((k) => k.evalBatch(b, ctx)));
    const nslots = this.slots.length;
    for (let k = 0; k < b.count; k++) {
      const i = b.sel === null ? k : b.sel[k]!;
      const allKeys = keyVecs.map((v) => vectorGet(v, i));
      for (let s = 0; s < this.sets.length; s++) {
        const set = this.sets[s]!;
        const keys =
          this.sets.length === 1 && set.length === allKeys.length ? allKeys : set.map((j) => allKeys[j]!);
        const table = this.tables[s]!;
        const hk = keys.length === 0 ? 0 : groupKey(keys);
        let g = table.get(hk);
        if (g === undefined) {
          g = this.newGroup(keys, ctx);
          table.set(hk, g);
        }
        for (let a = 0; a < nslots; a++) {
          const slot = this.slots[a]!;
          const fv = filterVecs[a];
          if (fv && vectorGet(fv, i) !== true) continue;
          const av = argVecs[a]!;
          const args = av.map((v) => vectorGet(v, i));
          if (slot.strict && args.some((x) => x === null)) continue;
          const ord = g.ordered[a];
          if (ord) ord.push({ args, key: orderVecs[a]!.map((v) => vectorGet(v, i)) });
          else g.states[a] = slot.acc.add(g.states[a], args);
        }
      }
    }
  }

  protected finish(ctx: ExecContext): Value[][] {
    this.initAccumulators(ctx);
    const out: Value[][] = [];
    const nkeys = this.keys.length;
    const multi = this.sets.length > 1;
    for (let s = 0; s < this.sets.length; s++) {
      const set = this.sets[s]!;
      const table = this.tables[s]!;
      // A set with no keys always yields one row, even over empty input.
      if (set.length === 0 && table.size === 0) table.set(0, this.newGroup([], ctx));
      let mask = 0;
      for (let j = 0; j < nkeys; j++) if (!set.includes(j)) mask |= 1 << (nkeys - 1 - j);
      for (const g of table.values()) {
        const row: Value[] = new Array(nkeys).fill(null);
        set.forEach((j, p) => (row[j] = g.keys[p]!));
        for (let a = 0; a < this.slots.length; a++) {
          const slot = this.slots[a]!;
          let st = g.states[a];
          const ord = g.ordered[a];
          if (ord) {
            const sk = slot.call.orderBy;
            ord.sort((x, y) => compareKeys(x.key, y.key, sk));
            for (const r of ord) st = slot.acc.add(st, r.args);
          }
          row.push(slot.acc.result(st));
        }
        if (multi) row.push(mask);
        out.push(row);
      }
    }
    return out;
  }
}

import type { AggregateFunction } from './aggregate.js';
import { basicAggregates } from './basic.js';
import { orderedSetAggregates } from './ordered-set.js';
import { sketchAggregates } from './sketches.js';
import { statisticsAggregates } from './statistics.js';

export type { Accumulator, AggregateFunction } from './aggregate.js';
export { withDistinct } from './distinct.js';
export { sortedDescending } from './ordered-set.js';
export type { DistinctState } from './distinct.js';

/** Every built-in aggregate overload, in catalogue order (overloads of one name are adjacent). */
export const aggregateFunctions: AggregateFunction[] = [
  ...basicAggregates,
  ...statisticsAggregates,
  ...orderedSetAggregates,
  ...sketchAggregates,
];

const byName = new Map<string, AggregateFunction[]>();
for (const f of aggregateFunctions) {
  const list = byName.get(f.name);
  if (list === undefined) byName.set(f.name, [f]);
  else list.push(f);
}

/**
 * The overloads of an aggregate by (case-insensitive) name; empty when there is none.
 *
 * @example
 * findAggregate('sum').find((f) => f.args[0]?.id === 'int4')?.ret; // T.int8
 */
export function findAggregate(name: string): readonly AggregateFunction[] {
  return byName.get(name.toLowerCase()) ?? [];
}

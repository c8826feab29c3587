import type { AggregateFunction } from '../aggregates/aggregate.js';
import { aggregateFunctions } from '../aggregates/index.js';
import { arrayTableFunctions } from './array-table-functions.js';
import { mathFunctions } from './math-functions.js';
import { datetimeFunctions, datetimeTableFunctions } from './datetime-functions.js';
import { jsonFunctions } from './json-functions.js';
import { regexFunctions } from './regex-functions.js';
import { stringFunctions } from './string-functions.js';
import { tokenFunctions, tokenTableFunctions } from './token-functions.js';
import { catalogFunctions } from './catalog-functions.js';
import type { ScalarFunction, TableFunction } from './registry.js';

/** All built-in functions by lower-case name (operators by their symbol). */
export class FunctionRegistry {
  readonly scalars = new Map<string, ScalarFunction[]>();
  readonly tables = new Map<string, TableFunction[]>();
  readonly aggregates = new Map<string, AggregateFunction[]>();

  constructor() {
    for (const list of [
      mathFunctions,
      stringFunctions,
      regexFunctions,
      jsonFunctions,
      datetimeFunctions,
      tokenFunctions,
      catalogFunctions,
    ]) {
      for (const f of list) this.addScalar(f);
    }
    for (const f of [...datetimeTableFunctions, ...arrayTableFunctions, ...tokenTableFunctions])
      this.addTable(f);
    for (const a of aggregateFunctions) {
      const l = this.aggregates.get(a.name) ?? [];
      l.push(a);
      this.aggregates.set(a.name, l);
    }
  }

  addScalar(f: ScalarFunction): void {
    const l = this.scalars.get(f.name) ?? [];
    l.push(f);
    this.scalars.set(f.name, l);
  }

  addTable(f: TableFunction): void {
    const l = this.tables.get(f.name) ?? [];
    l.push(f);
    this.tables.set(f.name, l);
  }
}

let shared: FunctionRegistry | null = null;
export function builtinFunctions(): FunctionRegistry {
  shared ??= new FunctionRegistry();
  return shared;
}

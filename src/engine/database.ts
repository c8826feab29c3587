import { Catalog } from '../storage/catalog.js';
import type { Table, TableSnapshot } from '../storage/table.js';
import { builtinFunctions, type FunctionRegistry } from '../sql/functions/index.js';
import { loadParser } from '../sql/parser.js';

/** Engine-wide state shared by every session: the catalog and the commit sequence. */
export class Engine {
  readonly catalog = new Catalog();
  readonly functions: FunctionRegistry;
  /** Sequence number of the last commit. */
  seq = 0;

  private constructor(functions: FunctionRegistry) {
    this.functions = functions;
  }

  static async create(): Promise<Engine> {
    await loadParser();
    return new Engine(builtinFunctions());
  }

  snapshot(table: Table): TableSnapshot {
    return table.snapshot(this.seq);
  }
}

import type { Delta } from '../delta.js';
import { RowOperator } from './operator.js';

/** UNION ALL: a change on either input is a change of the output. */
export class DeltaUnionAll extends RowOperator {
  push(_port: number, delta: Delta): Delta {
    return delta;
  }
}

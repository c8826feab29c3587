// DeltaColumns: a scan's column picks. With `keep` (an aggregate reading the table's columns by
// their own positions) rows pass through untouched, and rows too short for the columns read are
// NULL-padded rather than read as undefined.
import { describe, expect, it } from 'vitest';
import { DeltaColumns } from '../../src/views/operators/project.js';
import type { Delta } from '../../src/views/delta.js';

describe('DeltaColumns', () => {
  it('copies the picked columns in their order', () => {
    const d: Delta = { rows: [[1, 'a', 2.5]], weights: [1] };
    expect(new DeltaColumns([2, 0]).push(0, d).rows).toEqual([[2.5, 1]]);
  });

  it('keeping rows, passes the delta itself on when every row holds the columns read', () => {
    const d: Delta = {
      rows: [
        [1, 'a', 2.5],
        [2, 'b', null, 'extra'],
      ],
      weights: [1, -1],
    };
    expect(new DeltaColumns([2, 0], true).push(0, d)).toBe(d);
  });

  it('keeping rows, pads rows shorter than the columns read with NULLs', () => {
    const d: Delta = { rows: [[1, 'a', 2.5], [2]], weights: [1, 1] };
    const out = new DeltaColumns([2, 0], true).push(0, d);
    expect(out.rows).toEqual([
      [1, 'a', 2.5],
      [2, null, null],
    ]);
    expect(out.rows[0]).toBe(d.rows[0]);
    expect(out.weights).toEqual([1, 1]);
  });
});

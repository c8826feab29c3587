import { describe, expect, it } from 'vitest';
import { inferColumnType } from '../../src/ingest/infer.js';

describe('inferColumnType', () => {
  it('picks the narrowest of int8, float8, bool, timestamp and text', () => {
    expect(inferColumnType(['1', '-20', null])).toBe('int8');
    expect(inferColumnType(['1', '2.5', '1e3'])).toBe('float8');
    expect(inferColumnType(['true', 'F', 'yes'])).toBe('bool');
    expect(inferColumnType(['2025-01-31', '2025-02-01 10:00:00', '2025-02-01T10:00:00.5Z'])).toBe(
      'timestamp',
    );
    expect(inferColumnType(['1', 'abc'])).toBe('text');
  });

  it('widens integers past int8 to float8 and takes JSON values by their type', () => {
    expect(inferColumnType(['99999999999999999999'])).toBe('float8');
    expect(inferColumnType([1, 2])).toBe('int8');
    expect(inferColumnType([1, 2.5])).toBe('float8');
    expect(inferColumnType([true, null])).toBe('bool');
    expect(inferColumnType([{ a: 1 }])).toBe('text');
  });

  it('makes an all-NULL column text', () => {
    expect(inferColumnType([null, undefined])).toBe('text');
  });
});

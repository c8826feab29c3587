import { DatabaseError, SqlState } from '../errors.js';

/** Why a query cannot be maintained incrementally: 0A000 naming the construct. */
export function notMaintainable(construct: string): DatabaseError {
  return new DatabaseError(
    SqlState.featureNotSupported,
    `materialized view cannot be maintained incrementally: ${construct}`,
    { hint: "Use WITH (refresh = 'full') to maintain it by recomputing the query after each change." },
  );
}

import type { DatabaseError } from '../../../errors.js';
import { typeName } from '../../../types/types.js';
import type { SqlType } from '../../../types/types.js';
import { invalidParameter, notSupported } from './common.js';

/** Unit names accepted by date_part, date_trunc and friends (PostgreSQL's deltatktbl). */

export type Unit =
  | 'microseconds'
  | 'milliseconds'
  | 'second'
  | 'minute'
  | 'hour'
  | 'day'
  | 'week'
  | 'month'
  | 'quarter'
  | 'year'
  | 'decade'
  | 'century'
  | 'millennium'
  | 'epoch'
  | 'julian'
  | 'dow'
  | 'isodow'
  | 'doy'
  | 'isoyear'
  | 'timezone'
  | 'timezone_hour'
  | 'timezone_minute';

export const UNIT_WORDS = new Map<string, Unit>();
{
  const add = (u: Unit, ...words: string[]): void => words.forEach((w) => UNIT_WORDS.set(w, u));
  add('microseconds', 'microsecon', 'us', 'usec', 'usecs', 'useconds');
  add('milliseconds', 'millisecon', 'ms', 'msec', 'msecs', 'mseconds');
  add('second', 's', 'sec', 'secs', 'second', 'seconds');
  add('minute', 'm', 'min', 'mins', 'minute', 'minutes');
  add('hour', 'h', 'hr', 'hrs', 'hour', 'hours');
  add('day', 'd', 'day', 'days');
  add('week', 'w', 'week', 'weeks');
  add('month', 'mon', 'mons', 'month', 'months');
  add('quarter', 'qtr', 'quarter');
  add('year', 'y', 'yr', 'yrs', 'year', 'years');
  add('decade', 'dec', 'decs', 'decade', 'decades');
  add('century', 'c', 'cent', 'century', 'centuries');
  add('millennium', 'mil', 'mils', 'millennia', 'millennium');
  add('epoch', 'epoch');
  add('julian', 'j', 'jd', 'julian');
  add('dow', 'dow');
  add('isodow', 'isodow');
  add('doy', 'doy');
  add('isoyear', 'isoyear');
  add('timezone', 'timezone');
  add('timezone_hour', 'timezone_h');
  add('timezone_minute', 'timezone_m');
}

/** Resolves a unit name as PostgreSQL does (lower-cased, looked up on its first 10 characters). */
export function unitOf(text: string, type: SqlType): [Unit, string] {
  const low = text.toLowerCase();
  const u = UNIT_WORDS.get(low.length > 10 ? low.slice(0, 10) : low);
  if (u === undefined) throw invalidParameter(`unit "${low}" not recognized for type ${typeName(type)}`);
  return [u, low];
}

export function unitNotSupported(low: string, type: SqlType, detail?: string): DatabaseError {
  return notSupported(
    `unit "${low}" not supported for type ${typeName(type)}`,
    detail ? { detail } : undefined,
  );
}

/** Session settings that PostgreSQL's text input and output depend on. */

/** Session state the text forms depend on. */
export interface TextIoContext {
  /** Session TimeZone (see datetime.ts timeZone()). */
  readonly timezone: string;
  /** Current instant for 'now', 'today' etc., µs since 1970-01-01 UTC; defaults to the wall clock. */
  readonly now?: number;
  /** DateStyle, e.g. 'ISO, MDY' (the default), 'SQL, DMY', 'German', 'Postgres'. */
  readonly dateStyle?: string;
  /** extra_float_digits: 1 (default) and above print shortest round-trip floats. */
  readonly extraFloatDigits?: number;
}

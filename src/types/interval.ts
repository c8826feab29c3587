/**
 * PostgreSQL interval: months, days and microseconds kept apart, because a month and a day have no
 * fixed length. Comparison normalises with 30-day months and 24-hour days, as PostgreSQL does.
 *
 * @example
 * const oneMonthTwoHours = new Interval(1, 0, 2 * 3_600_000_000);
 * await db.query('SELECT now() - $1::interval', [oneMonthTwoHours]);
 */
export class Interval {
  readonly months: number;
  readonly days: number;
  /** Microseconds; a float64 holding an integer (exact to ±285 years). */
  readonly micros: number;

  constructor(months: number, days: number, micros: number) {
    this.months = months;
    this.days = days;
    this.micros = micros;
  }

  static readonly ZERO = new Interval(0, 0, 0);

  /** Total microseconds with 30-day months, for ordering and hashing. */
  sortKey(): number {
    return (this.months * 30 + this.days) * 86_400_000_000 + this.micros;
  }

  cmp(o: Interval): number {
    const a = this.sortKey();
    const b = o.sortKey();
    return a < b ? -1 : a > b ? 1 : 0;
  }

  add(o: Interval): Interval {
    return new Interval(this.months + o.months, this.days + o.days, this.micros + o.micros);
  }

  sub(o: Interval): Interval {
    return new Interval(this.months - o.months, this.days - o.days, this.micros - o.micros);
  }

  neg(): Interval {
    return new Interval(-this.months, -this.days, -this.micros);
  }
}

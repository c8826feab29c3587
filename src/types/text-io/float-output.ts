/** float4out / float8out: shortest round-trip digits and round-half-even fixed/exponential forms. */

/** float8out / float4out: shortest round-trip digits (extra_float_digits ≥ 1), else %.{15+n}g. */
export function formatFloat(v: number, single: boolean, extraFloatDigits = 1): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const maxExp = single ? 6 : 15;
  if (extraFloatDigits > 0) {
    if (!single) {
      const ax = v < 0 ? -v : v;
      // JavaScript's shortest form is PostgreSQL's here: fixed notation, no ties possible.
      if (ax >= 1e-4 && ax < 1e15) return String(v);
    }
    const x = single ? Math.fround(v) : v;
    let e = single ? shortestFloat4(x) : x.toExponential();
    let ePos = e.indexOf('e');
    let exp = Number(e.slice(ePos + 1));
    if (Math.abs(x) >= (single ? 16777216 : 9007199254740992) && isMidpoint(e, ePos, exp, x, single)) {
      e = shortestInside(x, single);
      ePos = e.indexOf('e');
      exp = Number(e.slice(ePos + 1));
    }
    if (exp < -4 || exp >= maxExp) return e.slice(0, ePos) + expSuffix(exp);
    return String(Number(e));
  }
  const prec = Math.max(1, maxExp + extraFloatDigits);
  const x = single ? Math.fround(v) : v;
  const e = toExponentialEven(x, prec - 1);
  const ePos = e.indexOf('e');
  const exp = Number(e.slice(ePos + 1));
  if (exp < -4 || exp >= prec) return stripFracZeros(e.slice(0, ePos)) + expSuffix(exp);
  return stripFracZeros(Number(e).toFixed(Math.max(0, prec - 1 - exp)));
}

/** Shortest digits that read back as the float32 `x`, in toExponential() form. */
function shortestFloat4(x: number): string {
  for (let p = 1; p < 9; p++) {
    const s = toExponentialEven(x, p - 1);
    if (Math.fround(Number(s)) === x) return Number(s).toExponential();
  }
  return toExponentialEven(x, 8);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Is the double `x` exactly equal to the decimal `t` (toExponential form)? */
function exactlyEquals(x: number, t: string): boolean {
  const ePos = t.indexOf('e');
  const mant = t.slice(0, ePos).replace('-', '');
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  return exactlyEqualsDigits(x, digits, Number(t.slice(ePos + 1)) - (digits.length - 1));
}

/** Is |x| exactly digits × 10^q? */
function exactlyEqualsDigits(x: number, digits: string, q: number): boolean {
  f64[0] = Math.abs(x);
  const hi = u32[1]!;
  const lo = u32[0]!;
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = bexp === 0 ? -1074 : bexp - 1075;
  if (bexp !== 0) m |= 1n << 52n;
  // x = m * 2^e, t = D * 10^q = D * 5^q * 2^q.
  let lhs = m;
  let rhs = BigInt(digits);
  if (q >= 0) rhs *= 5n ** BigInt(q);
  else lhs *= 5n ** BigInt(-q);
  e -= q;
  if (e >= 0) lhs <<= BigInt(e);
  else rhs <<= BigInt(-e);
  return lhs === rhs;
}

/** x.toExponential(f) but breaking exact ties to even, as C's printf("%.*e") does (JS rounds them up). */
export function toExponentialEven(x: number, f: number): string {
  const longer = x.toExponential(f + 1);
  const ePos = longer.indexOf('e');
  if (longer.charCodeAt(ePos - 1) !== 53 || !exactlyEquals(x, longer)) return x.toExponential(f);
  const mant = longer.slice(0, ePos - 1);
  const lastDigit = mant.charCodeAt(mant.length - 1);
  if (lastDigit === 46 || (lastDigit - 48) % 2 !== 0) {
    const prev = lastDigit === 46 ? mant.charCodeAt(mant.length - 2) - 48 : lastDigit - 48;
    if (prev % 2 !== 0) return x.toExponential(f);
  }
  const m = mant.endsWith('.') ? mant.slice(0, -1) : mant;
  return m + longer.slice(ePos);
}

/**
 * Is the decimal `e` (toExponential form) exactly halfway between `x` and a neighbouring float?
 * JavaScript accepts such ties as shortest; PostgreSQL's Ryu output does not, and prints more
 * digits. Ties need an integral decimal, so only |x| ≥ 2^53 (2^24 for float4) gets here.
 */
function isMidpoint(e: string, ePos: number, exp: number, x: number, single: boolean): boolean {
  let digits = e.slice(0, ePos).replace('-', '').replace('.', '');
  const shift = exp - (digits.length - 1);
  if (shift < 0) return false;
  digits += '0'.repeat(shift);
  const d = BigInt(digits);
  const bx = BigInt(Math.abs(x));
  if (d === bx) return false;
  const bits = bx.toString(2).length - 1;
  const ulp = 1n << BigInt(Math.max(0, bits - (single ? 23 : 52)));
  const isPow2 = bx === 1n << BigInt(bits);
  const gap = d > bx ? ulp : isPow2 ? ulp >> 1n : ulp;
  const diff = d > bx ? d - bx : bx - d;
  return diff * 2n === gap;
}

/** The shortest decimal strictly inside x's rounding interval (Ryu's choice), toExponential() form. */
function shortestInside(x: number, single: boolean): string {
  const max = single ? 9 : 17;
  let s = x.toExponential(max - 1);
  for (let p = 1; p <= max; p++) {
    const c = x.toExponential(p - 1);
    const back = single ? Math.fround(Number(c)) : Number(c);
    if (back === x && !isMidpoint(c, c.indexOf('e'), Number(c.slice(c.indexOf('e') + 1)), x, single)) {
      s = c;
      break;
    }
  }
  const ePos = s.indexOf('e');
  return stripFracZeros(s.slice(0, ePos)) + s.slice(ePos);
}

/** C's printf("%.*f", f, x): exact digits, ties to even, no exponent even for huge values. */
export function toFixedEven(x: number, f: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  const ax = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (ax >= 1e21) return sign + BigInt(ax).toString() + (f > 0 ? '.' + '0'.repeat(f) : '');
  let s = ax.toFixed(f);
  if (f < 100) {
    const longer = ax.toFixed(f + 1);
    if (longer.endsWith('5') && exactlyEqualsDigits(ax, longer.replace('.', ''), -(f + 1))) {
      const down = longer.slice(0, -1).replace(/\.$/, '');
      const last = down.charCodeAt(down.length - 1) - 48;
      if (last % 2 === 0) s = down;
    }
  }
  return sign + s;
}

function expSuffix(exp: number): string {
  const a = Math.abs(exp);
  return (exp < 0 ? 'e-' : 'e+') + (a < 10 ? '0' : '') + a;
}

function stripFracZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

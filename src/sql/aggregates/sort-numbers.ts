// ---------------------------------------------------------------------------------------------
// Sorting batches of doubles in linear time. The typed arrays' own sort is a comparison sort: fine
// for a few hundred numbers (~15 ns each), ~65 ns a number at ten thousand. NumberMultiset sorts
// its pending changes in batches of thousands, so it sorts them here: a least-significant-digit
// radix sort of the numbers' bit patterns, made order-preserving (the sign bit flipped on positive
// numbers, every bit on negative ones), in six passes of 11 bits (10 for the top digit of each
// word), passes where every number has the same digit skipped.
// ---------------------------------------------------------------------------------------------

/** Below this many numbers the typed array's own sort is as fast. */
const RADIX_MIN = 2048;
const BUCKETS = 2048;
const PASSES = 6;

/** Counts per pass, then each pass's bucket offsets. */
const counts = new Uint32Array(PASSES * BUCKETS);
/** Scratch space for one copy of the keys (grown as needed). */
let spare = new Uint32Array(0);
/** Radix sorting reads a double's words as two 32-bit halves, low first: little-endian only. */
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Sorts a[0..n) ascending in place, -0 before 0, as Float64Array.prototype.sort does. The numbers
 * must not be NaN.
 */
export function sortNumbers(a: Float64Array, n: number): void {
  if (n < RADIX_MIN || !littleEndian) {
    a.subarray(0, n).sort();
    return;
  }
  const u = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  if (spare.length < 2 * n) spare = new Uint32Array(4 * n);
  counts.fill(0);
  for (let i = 0; i < 2 * n; i += 2) {
    const lo = u[i]!;
    const hi = u[i + 1]!;
    const m = hi >> 31; // -1 for a negative number, else 0
    const klo = (lo ^ m) >>> 0;
    const khi = (hi ^ (m | 0x80000000)) >>> 0;
    u[i] = klo;
    u[i + 1] = khi;
    counts[klo & 0x7ff]!++;
    counts[BUCKETS + ((klo >>> 11) & 0x7ff)]!++;
    counts[2 * BUCKETS + (klo >>> 22)]!++;
    counts[3 * BUCKETS + (khi & 0x7ff)]!++;
    counts[4 * BUCKETS + ((khi >>> 11) & 0x7ff)]!++;
    counts[5 * BUCKETS + (khi >>> 22)]!++;
  }
  let src: Uint32Array = u;
  let dst: Uint32Array = spare.subarray(0, 2 * n);
  for (let p = 0; p < PASSES; p++) {
    const base = p * BUCKETS;
    let sum = 0;
    let trivial = false;
    for (let b = base; b < base + BUCKETS; b++) {
      const c = counts[b]!;
      if (c === n) {
        trivial = true;
        break;
      }
      counts[b] = sum;
      sum += c;
    }
    if (trivial) continue;
    const shift = (p % 3) * 11;
    if (p < 3)
      for (let i = 0; i < 2 * n; i += 2) {
        const klo = src[i]!;
        const o = 2 * counts[base + ((klo >>> shift) & 0x7ff)]!++;
        dst[o] = klo;
        dst[o + 1] = src[i + 1]!;
      }
    else
      for (let i = 0; i < 2 * n; i += 2) {
        const khi = src[i + 1]!;
        const o = 2 * counts[base + ((khi >>> shift) & 0x7ff)]!++;
        dst[o] = src[i]!;
        dst[o + 1] = khi;
      }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < 2 * n; i += 2) {
    const klo = src[i]!;
    const khi = src[i + 1]!;
    const m = (khi >> 31) ^ -1; // -1 where the number was negative, else 0
    u[i] = (klo ^ m) >>> 0;
    u[i + 1] = (khi ^ (m | 0x80000000)) >>> 0;
  }
}

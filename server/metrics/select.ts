/**
 * Percentiles of unsorted values by selection instead of sorting: expected linear time, and
 * exactly the numbers `percentile()` gives on the sorted values, because it interpolates
 * between the same two order statistics with the same arithmetic.
 */

/** A deterministic xorshift, for pivots that sorted or adversarial input cannot defeat. */
export class Random {
  private seed = 0x9e3779b9;
  next(): number {
    let seed = this.seed;
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    this.seed = seed;
    return seed >>> 0;
  }
}

/**
 * Moves the k-th smallest of a[left, right) to a[k], with nothing larger before it and nothing
 * smaller after it, and returns it. Three-way partitions, so runs of equal values cost nothing.
 */
export function selectKth(a: Float64Array, left: number, right: number, k: number, random: Random): number {
  let lo = left,
    hi = right - 1;
  while (hi > lo) {
    const span = hi - lo + 1;
    const x = a[lo + (random.next() % span)],
      y = a[lo + (random.next() % span)],
      z = a[lo + (random.next() % span)];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let lt = lo,
      i = lo,
      gt = hi;
    while (i <= gt) {
      const v = a[i];
      if (v < pivot) {
        a[i] = a[lt];
        a[lt] = v;
        lt++;
        i++;
      } else if (v > pivot) {
        a[i] = a[gt];
        a[gt] = v;
        gt--;
      } else i++;
    }
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return a[k];
  }
  return a[k];
}

/**
 * The percentiles `ps` (ascending, 0..1) of a[0, n), by linear interpolation between closest
 * ranks, as `percentile()` computes them; null for no values. Reorders a[0, n).
 */
export function percentilesOf(a: Float64Array, n: number, ps: readonly number[], random: Random): (number | null)[] {
  if (n === 0) return ps.map(() => null);
  const out: number[] = [];
  let left = 0;
  for (const p of ps) {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, n - 1);
    const vLo = selectKth(a, left, n, lo, random);
    const vHi = hi === lo ? vLo : selectKth(a, lo + 1, n, hi, random);
    out.push(vLo + (h - lo) * (vHi - vLo));
    left = lo;
  }
  return out;
}

/** One reusable scratch buffer, grown on demand (each computation over it is synchronous, so never shared). */
export class Scratch {
  buf = new Float64Array(1024);
  n = 0;
  reset(): void {
    this.n = 0;
  }
  reserve(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let size = this.buf.length;
    while (size < this.n + extra) size *= 2;
    const next = new Float64Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
}

/** What the fast path computes in: one scratch buffer and one pivot generator per app context. */
export interface Workspace {
  scratch: Scratch;
  random: Random;
}

export function createWorkspace(): Workspace {
  return { scratch: new Scratch(), random: new Random() };
}

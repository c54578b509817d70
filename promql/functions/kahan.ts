/**
 * Kahan–Neumaier summation as Prometheus' util/kahansum.Inc: returns the new sum and compensation. An infinite
 * sum resets the compensation to 0 so that Inf + c never becomes NaN.
 */
export function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) return [t, c + (sum - t + inc)];
  return [t, c + (inc - t + sum)];
}

/** A running Kahan sum (sum_over_time's accumulator). */
export class KahanSum {
  sum = 0;
  c = 0;
  add(x: number): void {
    [this.sum, this.c] = kahanInc(x, this.sum, this.c);
  }
  /** The compensated total; an infinite sum is returned as is (Prometheus: `if math.IsInf(sum) return sum`). */
  value(): number {
    return this.sum === Infinity || this.sum === -Infinity ? this.sum : this.sum + this.c;
  }
}

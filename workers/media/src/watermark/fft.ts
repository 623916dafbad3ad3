/** Bit-reversal permutation and twiddle factors for one transform length, computed once. */
interface Plan {
  n: number;
  reversed: Int32Array;
  /** cos(2πt/n) and sin(2πt/n) for t < n/2. */
  cos: Float64Array;
  sin: Float64Array;
}

const plans = new Map<number, Plan>();

function planFor(n: number): Plan {
  const hit = plans.get(n);
  if (hit) return hit;
  if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`FFT length ${n} is not a power of two`);
  const reversed = new Int32Array(n);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    reversed[i] = j;
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let t = 0; t < n / 2; t++) {
    cos[t] = Math.cos((2 * Math.PI * t) / n);
    sin[t] = Math.sin((2 * Math.PI * t) / n);
  }
  const plan = { n, reversed, cos, sin };
  plans.set(n, plan);
  return plan;
}

/**
 * In-place radix-2 complex FFT of the n values at `offset`, `offset + stride`, … (so rows and
 * columns of a square array transform without copying); `inverse` leaves the 1/n scaling out.
 */
function transform(
  re: Float64Array,
  im: Float64Array,
  offset: number,
  stride: number,
  plan: Plan,
  inverse: boolean,
): void {
  const { n, reversed, cos, sin } = plan;
  for (let i = 1; i < n; i++) {
    const j = reversed[i] as number;
    if (i < j) {
      const a = offset + i * stride;
      const b = offset + j * stride;
      const r = re[a] as number;
      re[a] = re[b] as number;
      re[b] = r;
      const m = im[a] as number;
      im[a] = im[b] as number;
      im[b] = m;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let half = 1; half < n; half <<= 1) {
    const step = n / (2 * half);
    for (let k = 0; k < half; k++) {
      const wr = cos[k * step] as number;
      const wi = sign * (sin[k * step] as number);
      for (let i = k; i < n; i += 2 * half) {
        const a = offset + i * stride;
        const b = a + half * stride;
        const xr = re[b] as number;
        const xi = im[b] as number;
        const br = xr * wr - xi * wi;
        const bi = xr * wi + xi * wr;
        const ar = re[a] as number;
        const ai = im[a] as number;
        re[b] = ar - br;
        im[b] = ai - bi;
        re[a] = ar + br;
        im[a] = ai + bi;
      }
    }
  }
}

/** In-place radix-2 complex FFT of length n (a power of two); `inverse` leaves the 1/n scaling out. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  transform(re, im, 0, 1, planFor(re.length), inverse);
}

/** In-place 2-D FFT of an n × n complex array (row-major, n a power of two), rows then columns. */
export function fft2(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  const plan = planFor(n);
  for (let y = 0; y < n; y++) transform(re, im, y * n, 1, plan, inverse);
  // Columns through a contiguous buffer: strided butterflies are cache-unfriendly.
  const cr = new Float64Array(n);
  const ci = new Float64Array(n);
  for (let x = 0; x < n; x++) {
    for (let y = 0, p = x; y < n; y++, p += n) {
      cr[y] = re[p] as number;
      ci[y] = im[p] as number;
    }
    transform(cr, ci, 0, 1, plan, inverse);
    for (let y = 0, p = x; y < n; y++, p += n) {
      re[p] = cr[y] as number;
      im[p] = ci[y] as number;
    }
  }
}

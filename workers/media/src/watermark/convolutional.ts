/**
 * The error-correcting code: a rate-1/3 convolutional code with constraint length 7 (generators
 * 133, 171, 165 octal, the LTE set), zero-terminated with 6 tail bits, decoded by soft-decision
 * Viterbi. It gains about 5 dB over sending each bit three times, and the decoder takes soft values
 * straight from the correlator, which is what spread-spectrum demodulation produces.
 */

const CONSTRAINT = 7;
const GENERATORS = [0o133, 0o171, 0o165] as const;
const STATES = 1 << (CONSTRAINT - 1);
export const CODE_RATE_INVERSE = GENERATORS.length;
export const TAIL_BITS = CONSTRAINT - 1;

function parity(x: number): number {
  let v = x;
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return v & 1;
}

/** Output bits (one per generator) when `bit` enters a register currently holding `state`. */
const OUTPUTS: Uint8Array[] = [0, 1].map((bit) => {
  const table = new Uint8Array(STATES * GENERATORS.length);
  for (let state = 0; state < STATES; state++) {
    const register = (bit << (CONSTRAINT - 1)) | state;
    GENERATORS.forEach((g, i) => {
      table[state * GENERATORS.length + i] = parity(register & g);
    });
  }
  return table;
});

/** Length of the codeword for `infoBits` information bits. */
export function codedLength(infoBits: number): number {
  return (infoBits + TAIL_BITS) * GENERATORS.length;
}

/** Encodes bits (0/1), appending the tail that returns the encoder to state 0. */
export function convolutionalEncode(bits: Uint8Array): Uint8Array {
  const out = new Uint8Array(codedLength(bits.length));
  let state = 0;
  let o = 0;
  for (let i = 0; i < bits.length + TAIL_BITS; i++) {
    const bit = i < bits.length ? (bits[i] ?? 0) & 1 : 0;
    const table = OUTPUTS[bit] as Uint8Array;
    for (let g = 0; g < GENERATORS.length; g++) out[o++] = table[state * GENERATORS.length + g] ?? 0;
    state = ((bit << (CONSTRAINT - 1)) | state) >>> 1;
  }
  return out;
}

/**
 * Maximum-likelihood decoding of soft values (positive means 1, magnitude means confidence) into
 * `infoBits` bits; the path must end in state 0 because the encoder was terminated.
 */
export function viterbiDecode(soft: Float64Array, infoBits: number): Uint8Array {
  const steps = infoBits + TAIL_BITS;
  if (soft.length !== steps * GENERATORS.length) throw new RangeError("soft input has the wrong length");
  let metric = new Float64Array(STATES).fill(-Infinity);
  metric[0] = 0;
  let next = new Float64Array(STATES);
  const decisions = new Uint8Array(steps * STATES);
  const previous = new Uint8Array(steps * STATES);
  for (let t = 0; t < steps; t++) {
    next.fill(-Infinity);
    const base = t * GENERATORS.length;
    const maxBit = t < infoBits ? 1 : 0;
    for (let state = 0; state < STATES; state++) {
      const m = metric[state] ?? -Infinity;
      if (m === -Infinity) continue;
      for (let bit = 0; bit <= maxBit; bit++) {
        const table = OUTPUTS[bit] as Uint8Array;
        let branch = 0;
        for (let g = 0; g < GENERATORS.length; g++) {
          const s = soft[base + g] ?? 0;
          branch += table[state * GENERATORS.length + g] ? s : -s;
        }
        const to = ((bit << (CONSTRAINT - 1)) | state) >>> 1;
        const candidate = m + branch;
        if (candidate > (next[to] ?? -Infinity)) {
          next[to] = candidate;
          decisions[t * STATES + to] = bit;
          previous[t * STATES + to] = state;
        }
      }
    }
    [metric, next] = [next, metric];
  }
  const bits = new Uint8Array(infoBits);
  let state = 0;
  for (let t = steps - 1; t >= 0; t--) {
    if (t < infoBits) bits[t] = decisions[t * STATES + state] ?? 0;
    state = previous[t * STATES + state] ?? 0;
  }
  return bits;
}

import { describe, expect, it } from "vitest";
import {
  CODE_RATE_INVERSE,
  codedLength,
  convolutionalEncode,
  TAIL_BITS,
  viterbiDecode,
} from "./convolutional";

/** Deterministic bits for the tests (a linear congruential generator). */
function bitsFrom(seed: number, n: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 31;
  });
}

const toSoft = (coded: Uint8Array) => Float64Array.from(coded, (b) => (b ? 1 : -1));

describe("convolutional code", () => {
  it("has rate 1/3 with a 6-bit tail", () => {
    expect(codedLength(80)).toBe((80 + TAIL_BITS) * CODE_RATE_INVERSE);
    expect(convolutionalEncode(new Uint8Array(80)).length).toBe(258);
    expect(convolutionalEncode(new Uint8Array(80)).every((b) => b === 0)).toBe(true);
  });

  it("decodes a clean codeword exactly", () => {
    const bits = bitsFrom(1, 80);
    expect(viterbiDecode(toSoft(convolutionalEncode(bits)), 80)).toEqual(bits);
  });

  it("corrects scattered hard errors (every 8th coded bit flipped)", () => {
    const bits = bitsFrom(7, 80);
    const soft = toSoft(convolutionalEncode(bits));
    for (let i = 3; i < soft.length; i += 8) soft[i] = -(soft[i] ?? 0);
    expect(viterbiDecode(soft, 80)).toEqual(bits);
  });

  it("uses soft confidence: many weak wrong values lose to strong right ones", () => {
    const bits = bitsFrom(11, 80);
    const soft = toSoft(convolutionalEncode(bits));
    for (let i = 0; i < soft.length; i += 3) soft[i] = -0.2 * (soft[i] ?? 0);
    expect(viterbiDecode(soft, 80)).toEqual(bits);
  });

  it("refuses soft input of the wrong length", () => {
    expect(() => viterbiDecode(new Float64Array(10), 80)).toThrow(RangeError);
  });
});

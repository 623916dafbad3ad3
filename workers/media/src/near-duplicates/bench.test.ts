import { describe, expect, it } from "vitest";
import { benchNearDuplicates } from "./bench";

// Proves the benchmark runs inside workerd and that MIH agrees with the scan on its data; the
// figures themselves are read by a person (see README.md), never asserted.
describe("the near-duplicate benchmark", () => {
  it("runs at 20,000 items and finds every planted neighbour the scan finds", () => {
    const report = benchNearDuplicates({ items: 20_000, queries: 50, seed: 1, minSampleMs: 1 });
    expect(report).toMatchObject({ items: 20_000, queries: 50, radius: 31, recall: 1, falsePositives: 0 });
    expect(report.pairs).toBeGreaterThanOrEqual(50 * 4);
    for (const summary of [report.mih, report.linear]) {
      expect(summary.p50Ms).toBeGreaterThanOrEqual(0);
      expect(summary.p99Ms).toBeGreaterThanOrEqual(summary.p50Ms);
      expect(Number.isFinite(summary.meanMs)).toBe(true);
    }
    expect(report.speedup).toBeGreaterThan(0);
    expect(report.typedArrayBytes).toBeGreaterThan(20_000 * 32);
  });

  it("refuses sizes that leave no room for the planted neighbours", () => {
    expect(() => benchNearDuplicates({ items: 10, queries: 5, seed: 1 })).toThrow(RangeError);
    expect(() => benchNearDuplicates({ items: 0, queries: 1, seed: 1 })).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import { isId, newId, ulid } from "./ids";

describe("prefixed ids", () => {
  it("carry the entity's prefix and a 26-character ULID", () => {
    const id = newId("account");
    expect(id).toMatch(/^acc_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isId("account", id)).toBe(true);
    expect(isId("content", id)).toBe(false);
  });

  it("sort by creation time", () => {
    const earlier = ulid(1_700_000_000_000);
    const later = ulid(1_700_000_000_001);
    expect(earlier < later).toBe(true);
    // The ULID spec's own example: ulid(1469918176385) starts with "01ARYZ6S41".
    expect(ulid(1_469_918_176_385).slice(0, 10)).toBe("01ARYZ6S41");
  });

  it("do not repeat", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId("event")));
    expect(ids.size).toBe(1000);
  });

  it("reject look-alikes", () => {
    expect(isId("account", "acc_short")).toBe(false);
    expect(isId("account", `acc_${"I".repeat(26)}`)).toBe(false);
    expect(isId("account", ` acc_${ulid()}`)).toBe(false);
  });
});

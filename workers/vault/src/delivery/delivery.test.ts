import { describe, expect, it } from "vitest";
import { contentRange, parseRange } from "./byte-range";
import { type MediaTokenKeys, signMediaToken, verifyMediaToken } from "./media-token";

const KEYS: MediaTokenKeys = {
  current: "k2",
  keys: { k1: "first-media-token-key-0123456789abcdef", k2: "second-media-token-key-0123456789abcdef" },
};
const GRANT = { a: "ast_01JZ0000000000000000000001", v: "watermarked", t: "ten_girlfanz", p: "prf_fan" };
const REQUEST = { assetId: GRANT.a, variant: GRANT.v, tenantId: GRANT.t };
const NOW = 1_800_000_000_000;

describe("media tokens", () => {
  it("verifies a fresh token for its asset, variant and brand, with the viewer it was issued to", async () => {
    const { token, expiresAt } = await signMediaToken(KEYS, GRANT, { now: NOW });
    expect(expiresAt).toBe(NOW + 300_000);
    expect(token.startsWith("k2.")).toBe(true);
    expect(await verifyMediaToken(KEYS, token, REQUEST, NOW + 1000)).toEqual({
      ok: true,
      value: { ...GRANT, exp: (NOW + 300_000) / 1000 },
    });
  });

  it("refuses expired, tampered, re-keyed and misdirected tokens", async () => {
    const { token } = await signMediaToken(KEYS, GRANT, { now: NOW });
    const [kid, claims, mac] = token.split(".") as [string, string, string];
    const check = (t: string, request = REQUEST, now = NOW) => verifyMediaToken(KEYS, t, request, now);
    expect(await check(token, REQUEST, NOW + 300_000)).toEqual({ ok: false, error: "expired" });
    const otherClaims = btoa(JSON.stringify({ ...GRANT, a: "ast_other", exp: 9e9 })).replace(/=+$/, "");
    expect(await check(`${kid}.${otherClaims}.${mac}`)).toEqual({ ok: false, error: "bad_signature" });
    expect(await check(`k1.${claims}.${mac}`)).toEqual({ ok: false, error: "bad_signature" });
    expect(await check(`k9.${claims}.${mac}`)).toEqual({ ok: false, error: "unknown_key" });
    expect(await check("not-a-token")).toEqual({ ok: false, error: "malformed" });
    expect(await check(token, { ...REQUEST, assetId: "ast_other" })).toEqual({
      ok: false,
      error: "wrong_asset",
    });
    expect(await check(token, { ...REQUEST, variant: "original" })).toEqual({
      ok: false,
      error: "wrong_variant",
    });
    expect(await check(token, { ...REQUEST, tenantId: "ten_pupfanz" })).toEqual({
      ok: false,
      error: "wrong_tenant",
    });
  });

  it("keeps accepting tokens of a previous key while it is listed, and none once it is dropped", async () => {
    const old = await signMediaToken({ ...KEYS, current: "k1" }, GRANT, { now: NOW });
    expect((await verifyMediaToken(KEYS, old.token, REQUEST, NOW)).ok).toBe(true);
    const dropped = { current: "k2", keys: { k2: KEYS.keys.k2 ?? "" } };
    expect(await verifyMediaToken(dropped, old.token, REQUEST, NOW)).toEqual({
      ok: false,
      error: "unknown_key",
    });
  });
});

describe("parseRange", () => {
  it("reads single ranges, open ends and suffixes, clipping to the object", () => {
    expect(parseRange(null, 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=0-0", 100)).toEqual({ kind: "range", start: 0, end: 0 });
    expect(parseRange("bytes=99-", 100)).toEqual({ kind: "range", start: 99, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ kind: "range", start: 90, end: 99 });
    expect(parseRange("bytes=-500", 100)).toEqual({ kind: "range", start: 0, end: 99 });
    expect(parseRange("bytes=50-5000", 100)).toEqual({ kind: "range", start: 50, end: 99 });
  });

  it("answers 416 for ranges past the end and ignores what it does not serve", () => {
    expect(parseRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=0-1,5-6", 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=9-3", 100)).toEqual({ kind: "whole" });
    expect(parseRange("items=0-1", 100)).toEqual({ kind: "whole" });
    expect(contentRange({ start: 0, end: 9 }, 100)).toBe("bytes 0-9/100");
    expect(contentRange(null, 100)).toBe("bytes */100");
  });
});

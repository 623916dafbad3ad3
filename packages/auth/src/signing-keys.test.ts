import { describe, expect, it } from "vitest";
import { issueAccessToken, verifyAccessToken } from "./access-token";
import {
  currentKey,
  generateSigningKey,
  initialKeys,
  publicJwks,
  rotateKeys,
  type SigningKey,
} from "./signing-keys";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.UTC(2026, 3, 1);
const MAX_TOKEN_LIFETIME_MS = 10 * MINUTE + 30_000;

const request = {
  issuer: "https://auth.localhost",
  subject: "acc_01JH0000000000000000000000",
  audience: "https://api.girlfanz.localhost",
  tenant: "girlfanz",
  scope: ["openid", "profile"],
  clientId: "girlfanz-web",
};

function verifyAgainst(keys: SigningKey[], token: string, now: number) {
  const { issuer, audience, tenant } = request;
  return verifyAccessToken(token, { jwks: publicJwks(keys, now), issuer, audience, tenant, now });
}

function kidsOf(jwks: { keys: { kid?: string }[] }): string[] {
  return jwks.keys.map((jwk) => jwk.kid ?? "").sort();
}

describe("signing keys", () => {
  it("generates an ES256 key labelled with a prefixed, time-sortable kid", async () => {
    const key = await generateSigningKey(T0);
    expect(key.kid).toMatch(/^key_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(key.status).toBe("next");
    expect(key.publicJwk).toMatchObject({ kty: "EC", crv: "P-256", kid: key.kid, alg: "ES256", use: "sig" });
    expect(key.publicJwk.d).toBeUndefined();
    expect(typeof key.privateJwk.d).toBe("string");
    const later = await generateSigningKey(T0 + 1);
    expect(later.kid > key.kid).toBe(true);
  });

  it("starts a new issuer with one current key and one next key", async () => {
    const keys = await initialKeys(T0);
    expect(keys.map((key) => key.status).sort()).toEqual(["current", "next"]);
    expect(new Set(keys.map((key) => key.kid)).size).toBe(2);
    expect(currentKey(keys)).toMatchObject({ status: "current", activatedAt: T0 });
  });

  it("publishes only public members, never the private `d`", async () => {
    const keys = await rotateKeys(await initialKeys(T0), { now: T0 + DAY, maxTokenLifetimeMs: DAY });
    const jwks = publicJwks(keys, T0 + DAY);
    expect(jwks.keys).toHaveLength(3);
    for (const jwk of jwks.keys) {
      expect(Object.keys(jwk).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
    }
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  it("publishes the next key a whole rotation before it signs anything", async () => {
    const keys = await initialKeys(T0);
    const next = keys.find((key) => key.status === "next");
    if (next === undefined) throw new Error("initialKeys gave no next key");
    expect(kidsOf(publicJwks(keys, T0))).toContain(next.kid);
    await expect(issueAccessToken(next, request, T0)).rejects.toThrow(/not current/);

    const rotated = await rotateKeys(keys, { now: T0 + DAY, maxTokenLifetimeMs: MAX_TOKEN_LIFETIME_MS });
    expect(currentKey(rotated).kid).toBe(next.kid);
    const token = await issueAccessToken(currentKey(rotated), request, T0 + DAY);
    expect((await verifyAgainst(keys, token, T0 + DAY)).ok).toBe(true);
  });

  it("retires the old current key until its last token has expired, then drops it", async () => {
    const keys = await initialKeys(T0);
    const oldKey = currentKey(keys);
    const signedAt = T0 + DAY - MINUTE;
    const token = await issueAccessToken(oldKey, { ...request, lifetimeSeconds: 600 }, signedAt);

    const rotateAt = T0 + DAY;
    const once = await rotateKeys(keys, { now: rotateAt, maxTokenLifetimeMs: MAX_TOKEN_LIFETIME_MS });
    const retired = once.find((key) => key.kid === oldKey.kid);
    expect(retired).toMatchObject({
      status: "retired",
      activatedAt: T0,
      retiredAt: rotateAt,
      removeAfter: rotateAt + MAX_TOKEN_LIFETIME_MS,
    });
    expect(await verifyAgainst(once, token, rotateAt + MINUTE)).toMatchObject({ ok: true });

    // Between removeAfter and the next rotation the key is still stored but no longer published.
    const pastRemoval = rotateAt + MAX_TOKEN_LIFETIME_MS;
    expect(kidsOf(publicJwks(once, pastRemoval))).not.toContain(oldKey.kid);

    const twice = await rotateKeys(once, { now: rotateAt + DAY, maxTokenLifetimeMs: MAX_TOKEN_LIFETIME_MS });
    expect(twice.map((key) => key.kid)).not.toContain(oldKey.kid);
    expect(twice.map((key) => key.status).sort()).toEqual(["current", "next", "retired"]);
    expect(await verifyAgainst(twice, token, rotateAt + DAY)).toEqual({ ok: false, error: "unknown_key" });
  });

  it("keeps a retired key through a rotation that comes before its removeAfter", async () => {
    const keys = await initialKeys(T0);
    const first = currentKey(keys).kid;
    const once = await rotateKeys(keys, { now: T0 + MINUTE, maxTokenLifetimeMs: DAY });
    const twice = await rotateKeys(once, { now: T0 + 2 * MINUTE, maxTokenLifetimeMs: DAY });
    expect(twice.filter((key) => key.status === "retired").map((key) => key.kid)).toContain(first);
    expect(twice).toHaveLength(4);
  });

  it("leaves the key set it was given unchanged", async () => {
    const keys = await initialKeys(T0);
    const before = structuredClone(keys);
    await rotateKeys(keys, { now: T0 + DAY, maxTokenLifetimeMs: MAX_TOKEN_LIFETIME_MS });
    expect(keys).toEqual(before);
  });

  it("refuses to rotate a key set that has no next key to promote", async () => {
    const keys = (await initialKeys(T0)).filter((key) => key.status === "current");
    await expect(rotateKeys(keys, { now: T0 + DAY, maxTokenLifetimeMs: DAY })).rejects.toThrow(/"next"/);
    expect(() => currentKey([])).toThrow(/"current"/);
  });
});

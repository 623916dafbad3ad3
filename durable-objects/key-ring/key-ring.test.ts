import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { verifyAccessToken } from "@fun/auth";
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { type KeyRing, RETIRED_KEY_GRACE_MS } from "./key-ring";

const rings = (env as unknown as { KEY_RING: DurableObjectNamespace<KeyRing> }).KEY_RING;
let count = 0;
const freshRing = () => rings.get(rings.idFromName(`ring-test-${++count}`));

const claims = {
  issuer: "http://auth.localhost:8787",
  subject: "acc_1",
  audience: "fun-core-api",
  tenant: "ten_1",
  scope: ["openid"],
  clientId: "girlfanz-web",
};
const verifyOptions = { issuer: claims.issuer, audience: claims.audience, tenant: claims.tenant };

describe("the issuer's key ring", () => {
  it("starts with a current key and a published next key, and publishes no private member", async () => {
    const ring = freshRing();
    const jwks = await ring.jwks();
    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) {
      expect(key).not.toHaveProperty("d");
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    }
    const token = await ring.issueAccessToken(claims);
    expect(jwks.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(token).kid);
    expect((await verifyAccessToken(token, { ...verifyOptions, jwks })).ok).toBe(true);
  });

  it("keeps tokens signed before a rotation valid, and signs new ones with the promoted key", async () => {
    const ring = freshRing();
    const oldToken = await ring.issueAccessToken(claims);
    const oldKid = decodeProtectedHeader(oldToken).kid;
    const nextKid = (await ring.jwks()).keys.find((k) => k.kid !== oldKid)?.kid;

    const jwksAfter = await ring.rotate();
    expect(jwksAfter.keys).toHaveLength(3);
    expect((await verifyAccessToken(oldToken, { ...verifyOptions, jwks: jwksAfter })).ok).toBe(true);
    const newToken = await ring.issueAccessToken(claims);
    expect(decodeProtectedHeader(newToken).kid).toBe(nextKid);
    expect((await verifyAccessToken(newToken, { ...verifyOptions, jwks: jwksAfter })).ok).toBe(true);
  });

  it("drops a retired key once every token it signed has expired", async () => {
    const ring = freshRing();
    const first = decodeProtectedHeader(await ring.issueAccessToken(claims)).kid;
    const now = Date.now();
    await ring.rotate(now);
    expect((await ring.jwks(now + RETIRED_KEY_GRACE_MS - 1)).keys.map((k) => k.kid)).toContain(first);
    expect((await ring.jwks(now + RETIRED_KEY_GRACE_MS + 1)).keys.map((k) => k.kid)).not.toContain(first);
  });

  it("survives eviction with the same keys", async () => {
    const ring = freshRing();
    const kids = (await ring.jwks()).keys.map((k) => k.kid);
    await evictDurableObject(ring);
    expect((await ring.jwks()).keys.map((k) => k.kid)).toEqual(kids);
  });

  it("rotates once per call even when two rotations arrive together", async () => {
    const ring = freshRing();
    await Promise.all([ring.rotate(), ring.rotate()]);
    // Two rotations from a fresh ring: two retired keys, a current and a next.
    expect((await ring.jwks()).keys).toHaveLength(4);
  });

  it("rotates on its own when its alarm fires", async () => {
    const ring = freshRing();
    const before = decodeProtectedHeader(await ring.issueAccessToken(claims)).kid;
    expect(await runDurableObjectAlarm(ring)).toBe(true);
    expect(decodeProtectedHeader(await ring.issueAccessToken(claims)).kid).not.toBe(before);
  });
});

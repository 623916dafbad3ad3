import { base64url, decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { ANY_TENANT, issueAccessToken, type VerifyOptions, verifyAccessToken } from "./access-token";
import { currentKey, initialKeys, publicJwks } from "./signing-keys";

const NOW = Date.UTC(2026, 3, 1, 12);
const NOW_SECONDS = NOW / 1000;
const keys = await initialKeys(NOW);
const key = currentKey(keys);
const jwks = publicJwks(keys, NOW);

const request = {
  issuer: "https://auth.localhost",
  subject: "acc_01JH0000000000000000000000",
  audience: "https://api.girlfanz.localhost",
  tenant: "girlfanz",
  scope: ["openid", "profile", "content:read"],
  clientId: "girlfanz-web",
};

const expected: VerifyOptions = {
  jwks,
  issuer: request.issuer,
  audience: request.audience,
  tenant: request.tenant,
  now: NOW,
};

function encodeJson(value: object): string {
  return base64url.encode(JSON.stringify(value));
}

/** Signs any header and claims with the real current key, to test checks that come after the signature. */
async function signWithCurrentKey(header: Record<string, string>, claims: Record<string, unknown>) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: key.kid, ...header })
    .sign(await importJWK(key.privateJwk, "ES256"));
}

function validClaims() {
  return {
    iss: request.issuer,
    sub: request.subject,
    aud: request.audience,
    tenant: request.tenant,
    scope: "openid",
    iat: NOW_SECONDS,
    exp: NOW_SECONDS + 300,
    jti: crypto.randomUUID(),
    client_id: "girlfanz-web",
  };
}

describe("issuing an access token", () => {
  it("signs an ES256 at+jwt naming its key and carrying every claim", async () => {
    const token = await issueAccessToken(key, { ...request, lifetimeSeconds: 120 }, NOW);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: key.kid, typ: "at+jwt" });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({
      iss: request.issuer,
      sub: request.subject,
      aud: request.audience,
      tenant: "girlfanz",
      scope: "openid profile content:read",
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 120,
    });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives every token its own jti", async () => {
    const first = decodeJwt(await issueAccessToken(key, request, NOW));
    const second = decodeJwt(await issueAccessToken(key, request, NOW));
    expect(first.jti).not.toBe(second.jti);
  });

  it("defaults to a five-minute lifetime", async () => {
    const payload = decodeJwt(await issueAccessToken(key, request, NOW));
    expect(payload.exp).toBe(NOW_SECONDS + 300);
  });

  it("refuses a lifetime over 600 seconds", async () => {
    await expect(issueAccessToken(key, { ...request, lifetimeSeconds: 601 }, NOW)).rejects.toThrow(
      RangeError,
    );
    await expect(issueAccessToken(key, { ...request, lifetimeSeconds: 0 }, NOW)).rejects.toThrow(RangeError);
    const token = await issueAccessToken(key, { ...request, lifetimeSeconds: 600 }, NOW);
    expect(decodeJwt(token).exp).toBe(NOW_SECONDS + 600);
  });

  it("refuses a scope that would not survive the space-separated encoding", async () => {
    await expect(issueAccessToken(key, { ...request, scope: ["openid profile"] }, NOW)).rejects.toThrow();
    await expect(issueAccessToken(key, { ...request, scope: [""] }, NOW)).rejects.toThrow();
  });

  it("refuses to sign with a key that is not current", async () => {
    const next = keys.find((candidate) => candidate.status === "next");
    if (next === undefined) throw new Error("initialKeys gave no next key");
    await expect(issueAccessToken(next, request, NOW)).rejects.toThrow(/not current/);
  });
});

describe("verifying an access token", () => {
  it("returns every claim of a token it issued", async () => {
    const token = await issueAccessToken(key, request, NOW);
    const result = await verifyAccessToken(token, { ...expected, now: NOW + 60_000 });
    expect(result).toEqual({
      ok: true,
      value: {
        issuer: request.issuer,
        subject: request.subject,
        audience: request.audience,
        tenant: "girlfanz",
        scope: ["openid", "profile", "content:read"],
        issuedAt: NOW_SECONDS,
        expiresAt: NOW_SECONDS + 300,
        tokenId: decodeJwt(token).jti,
        clientId: "girlfanz-web",
      },
    });
  });

  it("carries the session it came from, and can be checked for any brand by the issuer itself", async () => {
    const token = await issueAccessToken(key, { ...request, sessionId: "ses_1" }, NOW);
    expect(decodeJwt(token)).toMatchObject({ sid: "ses_1", client_id: "girlfanz-web" });
    const anyBrand = await verifyAccessToken(token, { ...expected, tenant: ANY_TENANT });
    expect(anyBrand).toMatchObject({ ok: true, value: { sessionId: "ses_1", tenant: "girlfanz" } });
    const otherBrand = await verifyAccessToken(token, { ...expected, tenant: "pupfanz" });
    expect(otherBrand).toEqual({ ok: false, error: "wrong_tenant" });
  });

  it("refuses a token without client_id as malformed", async () => {
    const { client_id: _, ...withoutClient } = validClaims();
    const token = await signWithCurrentKey({ typ: "at+jwt" }, withoutClient);
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "malformed" });
    const complete = await signWithCurrentKey({ typ: "at+jwt" }, validClaims());
    expect(await verifyAccessToken(complete, expected)).toMatchObject({ ok: true });
  });

  it("refuses what is not a JWS at all as malformed", async () => {
    for (const token of ["", "not-a-token", "a.b.c", `${encodeJson({ alg: "ES256", kid: key.kid })}.e30`]) {
      expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "malformed" });
    }
  });

  it("refuses an unsigned `alg: none` token", async () => {
    const header = encodeJson({ alg: "none", typ: "at+jwt", kid: key.kid });
    const token = `${header}.${encodeJson(validClaims())}.`;
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "algorithm_not_allowed" });
  });

  it("refuses an HS256 token keyed with the public key's own bytes (key confusion)", async () => {
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: key.kid })
      .sign(publicKeyBytes);
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "algorithm_not_allowed" });
  });

  it("refuses a token from a key the issuer never published", async () => {
    const strangerKey = currentKey(await initialKeys(NOW));
    const token = await issueAccessToken(strangerKey, request, NOW);
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "unknown_key" });
  });

  it("refuses a token without a kid", async () => {
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt" })
      .sign(await importJWK(key.privateJwk, "ES256"));
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "malformed" });
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const [header, payload, signature] = (await issueAccessToken(key, request, NOW)).split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? "")));
    const tampered = `${header}.${encodeJson({ ...claims, scope: "openid admin" })}.${signature}`;
    expect(await verifyAccessToken(tampered, expected)).toEqual({ ok: false, error: "bad_signature" });
  });

  it("refuses a token signed by a published key under another key's kid", async () => {
    const next = keys.find((candidate) => candidate.status === "next");
    if (next === undefined) throw new Error("initialKeys gave no next key");
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: key.kid })
      .sign(await importJWK(next.privateJwk, "ES256"));
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "bad_signature" });
  });

  it("refuses an expired token", async () => {
    const token = await issueAccessToken(key, request, NOW - 10 * 60_000);
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "expired" });
  });

  it("accepts a token that expired within the clock tolerance, and not after it", async () => {
    const token = await issueAccessToken(key, { ...request, lifetimeSeconds: 60 }, NOW);
    const justAfter = NOW + 80_000;
    expect((await verifyAccessToken(token, { ...expected, now: justAfter })).ok).toBe(true);
    expect(await verifyAccessToken(token, { ...expected, now: justAfter, clockToleranceSeconds: 0 })).toEqual(
      {
        ok: false,
        error: "expired",
      },
    );
  });

  it("refuses a token issued in the future beyond the clock tolerance", async () => {
    const token = await issueAccessToken(key, request, NOW + 5 * 60_000);
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "not_yet_valid" });
  });

  it("refuses a token whose nbf is still ahead", async () => {
    const token = await signWithCurrentKey({ typ: "at+jwt" }, { ...validClaims(), nbf: NOW_SECONDS + 120 });
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "not_yet_valid" });
  });

  it("refuses a token whose lifetime is longer than we ever issue", async () => {
    const claims = { ...validClaims(), iat: NOW_SECONDS - 3600, exp: NOW_SECONDS + 3600 };
    const token = await signWithCurrentKey({ typ: "at+jwt" }, claims);
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "expired" });
  });

  it("refuses a token from another issuer", async () => {
    const token = await issueAccessToken(key, { ...request, issuer: "https://evil.example" }, NOW);
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "wrong_issuer" });
  });

  it("refuses a token meant for another API", async () => {
    const token = await issueAccessToken(key, { ...request, audience: "https://api.pupfanz.localhost" }, NOW);
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "wrong_audience" });
  });

  it("refuses a girlfanz token presented to pupfanz", async () => {
    const token = await issueAccessToken(key, request, NOW);
    expect(await verifyAccessToken(token, { ...expected, tenant: "pupfanz" })).toEqual({
      ok: false,
      error: "wrong_tenant",
    });
  });

  it("refuses an ID token or any other JWT that is not typed at+jwt", async () => {
    for (const typ of ["JWT", "id_token+jwt"]) {
      const token = await signWithCurrentKey({ typ }, validClaims());
      expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "wrong_type" });
    }
    const untyped = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: "ES256", kid: key.kid })
      .sign(await importJWK(key.privateJwk, "ES256"));
    expect(await verifyAccessToken(untyped, expected)).toEqual({ ok: false, error: "wrong_type" });
  });

  it("refuses a signed token that lacks a required claim", async () => {
    const { tenant: _tenant, ...withoutTenant } = validClaims();
    const token = await signWithCurrentKey({ typ: "at+jwt" }, withoutTenant);
    expect(await verifyAccessToken(token, expected)).toEqual({ ok: false, error: "malformed" });
  });
});

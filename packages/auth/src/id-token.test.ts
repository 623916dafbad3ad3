import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { issueAccessToken } from "./access-token";
import { ID_TOKEN_LIFETIME_SECONDS, issueIdToken, verifyIdTokenHint } from "./id-token";
import { currentKey, initialKeys, publicJwks } from "./signing-keys";

const NOW = Date.UTC(2026, 3, 1, 12);
const keys = await initialKeys(NOW);
const key = currentKey(keys);
const jwks = publicJwks(keys, NOW);
const ISSUER = "https://auth.localhost";

const request = {
  issuer: ISSUER,
  subject: "acc_01JH0000000000000000000000",
  clientId: "girlfanz-web",
  authTime: NOW / 1000 - 60,
  nonce: "n-0S6_WzA2Mj",
  sessionId: "ses_1",
  amr: ["pwd"],
  claims: { email: "creator@fun.localhost", email_verified: true },
};

describe("ID tokens", () => {
  it("are JWTs for the client with the nonce, auth time, session and released claims", async () => {
    const token = await issueIdToken(key, request, NOW);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: key.kid, typ: "JWT" });
    expect(decodeJwt(token)).toEqual({
      iss: ISSUER,
      sub: request.subject,
      aud: "girlfanz-web",
      azp: "girlfanz-web",
      iat: NOW / 1000,
      exp: NOW / 1000 + ID_TOKEN_LIFETIME_SECONDS,
      auth_time: request.authTime,
      nonce: request.nonce,
      sid: "ses_1",
      amr: ["pwd"],
      email: "creator@fun.localhost",
      email_verified: true,
    });
  });

  it("are not signed with a key that is not current", async () => {
    const next = keys.find((candidate) => candidate.status === "next");
    if (!next) throw new Error("no next key");
    await expect(issueIdToken(next, request, NOW)).rejects.toThrow(/not current/);
  });
});

describe("an id_token_hint", () => {
  it("is accepted after it expired, as long as we signed it", async () => {
    const token = await issueIdToken(key, request, NOW - 24 * 60 * 60 * 1000);
    expect(await verifyIdTokenHint(token, { jwks, issuer: ISSUER })).toEqual({
      subject: request.subject,
      clientId: "girlfanz-web",
      sessionId: "ses_1",
    });
  });

  it("is refused when forged, from another issuer, an access token or not a JWT", async () => {
    const stranger = currentKey(await initialKeys(NOW));
    const forged = await issueIdToken(stranger, request, NOW);
    const otherIssuer = await issueIdToken(key, { ...request, issuer: "https://evil.example" }, NOW);
    const accessToken = await issueAccessToken(
      key,
      {
        issuer: ISSUER,
        subject: request.subject,
        audience: "api",
        tenant: "t",
        scope: ["openid"],
        clientId: "c",
      },
      NOW,
    );
    // Key confusion: HS256 with our public key as the shared secret.
    const confused = await new SignJWT({ sub: request.subject, aud: "girlfanz-web" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(ISSUER)
      .setIssuedAt(NOW / 1000)
      .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
    for (const token of [forged, otherIssuer, accessToken, confused, "not-a-jwt"]) {
      expect(await verifyIdTokenHint(token, { jwks, issuer: ISSUER })).toBeUndefined();
    }
  });
});

import { env } from "cloudflare:workers";
import { verifyAccessToken } from "@fun/auth";
import { SEED } from "@fun/db/seed";
import { accessToken, BRAND_HOSTS, bearer, callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { issuerKeyRing } from "../identity/issuer-keys";
import { composeAccountSecret } from "./account-secret";
import { postToken } from "./oauth.testing";
import { sessionStoreFor, TOKEN_EXCHANGE_GRANT } from "./token.service";

const creator = SEED.accounts.creator.id;

async function expectOAuthError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const body = (await response.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  return body;
}

/** Signs the creator in on girlfanz the way the authorization-code grant will: a session and a family. */
async function signedInRefreshToken(
  clientId = "girlfanz-web",
  brand: keyof typeof SEED.tenants = "girlfanz",
) {
  const store = sessionStoreFor(env, creator);
  const sessionId = await store.createSession({ userAgent: "vitest" });
  const issued = await store.issueRefreshToken({
    sessionId,
    clientId,
    tenantId: SEED.tenants[brand].id,
    scope: "openid profile",
  });
  return composeAccountSecret(creator, issued.token);
}

async function verifyFor(token: string, brand: keyof typeof SEED.tenants) {
  return verifyAccessToken(token, {
    jwks: await issuerKeyRing(env).jwks(),
    issuer: env.AUTH_ISSUER,
    audience: env.API_AUDIENCE,
    tenant: SEED.tenants[brand].id,
  });
}

type Tokens = {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope: string;
  issued_token_type?: string;
};

describe("POST /token, refresh_token grant", () => {
  it("rotates the refresh token and issues an access token for the family's brand", async () => {
    const refreshToken = await signedInRefreshToken();
    const response = await postToken({
      grant_type: "refresh_token",
      client_id: "girlfanz-web",
      refresh_token: refreshToken,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const tokens = (await response.json()) as Tokens;
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 300, scope: "openid profile" });
    expect(tokens.refresh_token).not.toBe(refreshToken);
    const verified = await verifyFor(tokens.access_token, "girlfanz");
    expect(verified.ok && verified.value.subject).toBe(creator);

    // The rotated token works in turn, and the new access token opens /v1/me on girlfanz.
    const next = await postToken({
      grant_type: "refresh_token",
      client_id: "girlfanz-web",
      refresh_token: tokens.refresh_token ?? "",
    });
    expect(next.status).toBe(200);
    const me = await callWorker("/v1/me", {
      host: BRAND_HOSTS.girlfanz,
      headers: bearer(tokens.access_token),
    });
    expect(me.status).toBe(200);
  });

  it("refuses another brand's client presenting the token", async () => {
    const refreshToken = await signedInRefreshToken();
    await expectOAuthError(
      await postToken({ grant_type: "refresh_token", client_id: "pupfanz-web", refresh_token: refreshToken }),
      400,
      "invalid_grant",
    );
  });

  it("refuses a token of ours that was made up or altered", async () => {
    const refreshToken = await signedInRefreshToken();
    const altered = `${refreshToken.slice(0, -1)}${refreshToken.endsWith("A") ? "B" : "A"}`;
    for (const token of [
      altered,
      "not-a-refresh-token",
      composeAccountSecret(SEED.accounts.fan.id, "x".repeat(43)),
    ]) {
      await expectOAuthError(
        await postToken({ grant_type: "refresh_token", client_id: "girlfanz-web", refresh_token: token }),
        400,
        "invalid_grant",
      );
    }
  });

  it("stops refreshing once the session is signed out", async () => {
    const refreshToken = await signedInRefreshToken();
    await sessionStoreFor(env, creator).revokeAll();
    const body = await expectOAuthError(
      await postToken({
        grant_type: "refresh_token",
        client_id: "girlfanz-web",
        refresh_token: refreshToken,
      }),
      400,
      "invalid_grant",
    );
    expect(body.error_description).toContain("revoked");
  });
});

describe("POST /token, token exchange (RFC 8693)", () => {
  it("turns a girlfanz access token into a pupfanz one for pupfanz's client", async () => {
    const girlfanzToken = await accessToken({ accountId: creator, brand: "girlfanz" });
    const response = await postToken({
      grant_type: TOKEN_EXCHANGE_GRANT,
      client_id: "pupfanz-web",
      subject_token: girlfanzToken,
      subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
    });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Tokens;
    expect(tokens.issued_token_type).toBe("urn:ietf:params:oauth:token-type:access_token");
    expect(tokens.refresh_token).toBeUndefined();
    expect((await verifyFor(tokens.access_token, "pupfanz")).ok).toBe(true);
    expect(
      (await callWorker("/v1/me", { host: BRAND_HOSTS.pupfanz, headers: bearer(tokens.access_token) }))
        .status,
    ).toBe(200);
    // Still a pupfanz token: girlfanz refuses it.
    expect(
      (await callWorker("/v1/me", { host: BRAND_HOSTS.girlfanz, headers: bearer(tokens.access_token) }))
        .status,
    ).toBe(401);
  });

  it("refuses an expired or foreign subject token and a wrong token type", async () => {
    const expired = await accessToken({ accountId: creator, now: Date.now() - 3_600_000 });
    const foreign = await accessToken({ accountId: creator, issuer: "https://evil.example" });
    for (const subject of [expired, foreign, "garbage"]) {
      await expectOAuthError(
        await postToken({
          grant_type: TOKEN_EXCHANGE_GRANT,
          client_id: "pupfanz-web",
          subject_token: subject,
          subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
        }),
        400,
        "invalid_grant",
      );
    }
    await expectOAuthError(
      await postToken({
        grant_type: TOKEN_EXCHANGE_GRANT,
        client_id: "pupfanz-web",
        subject_token: await accessToken({ accountId: creator }),
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      }),
      400,
      "invalid_request",
    );
  });
});

describe("POST /token, malformed requests", () => {
  it("answers OAuth errors, not problems", async () => {
    await expectOAuthError(await postToken({ client_id: "girlfanz-web" }), 400, "invalid_request");
    await expectOAuthError(
      await postToken({ grant_type: "password", client_id: "girlfanz-web" }),
      400,
      "unsupported_grant_type",
    );
    await expectOAuthError(
      await postToken({ grant_type: "refresh_token", client_id: "girlfanz-web" }),
      400,
      "invalid_request",
    );
    await expectOAuthError(
      await postToken({ grant_type: "refresh_token", client_id: "nobody-web", refresh_token: "x" }),
      401,
      "invalid_client",
    );
  });

  it("refuses JSON and repeated parameters", async () => {
    const json = await callWorker("/token", {
      method: "POST",
      host: "auth.localhost",
      json: { grant_type: "refresh_token" },
    });
    await expectOAuthError(json, 400, "invalid_request");
    const repeated = await callWorker("/token", {
      method: "POST",
      host: "auth.localhost",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=refresh_token&client_id=girlfanz-web&client_id=pupfanz-web&refresh_token=x",
    });
    await expectOAuthError(repeated, 400, "invalid_request");
  });

  it("is served on the auth host only", async () => {
    const onBrand = await postToken(
      { grant_type: "refresh_token", client_id: "girlfanz-web", refresh_token: "x" },
      { host: BRAND_HOSTS.girlfanz },
    );
    await expectProblem(onBrand, 404, "not_found");
  });
});

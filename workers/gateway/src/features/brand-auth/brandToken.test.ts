import { SEED } from "@fun/db/seed";
import { bearer, callWorker, expectProblem, newPerson, pkcePair, TestBrowser } from "@fun/testing";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  type BrandTokens,
  ISSUER,
  postToBrand,
  refreshFromCookie,
  signedIn,
  throughIssuer,
} from "./brand-auth.testing";

const CALLBACK = "http://girlfanz.localhost:8787/v1/auth/oidc/callback";

/** A native app's own code flow with PKCE against the brand's web client: its code and verifier. */
async function nativeCode() {
  const person = await newPerson();
  const pkce = await pkcePair();
  const params = new URLSearchParams({
    response_type: "code",
    client_id: "girlfanz-web",
    redirect_uri: CALLBACK,
    scope: "openid profile",
    state: "app-state",
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
  });
  const callback = await throughIssuer(new TestBrowser(), `${ISSUER}/authorize?${params}`, person);
  return { person, code: callback.searchParams.get("code") ?? "", verifier: pkce.verifier };
}

describe("POST /v1/auth/token", () => {
  it("refreshes from the fun_session cookie alone and writes the rotated token back", async () => {
    const { browser } = await signedIn();
    const before = browser.cookie("girlfanz.localhost", "fun_session");
    const response = await refreshFromCookie(browser);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const tokens = (await response.json()) as BrandTokens;
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.refresh_token).not.toBe(before);
    expect(browser.cookie("girlfanz.localhost", "fun_session")).toBe(tokens.refresh_token);
    expect((await callWorker("/v1/me", { headers: bearer(tokens.access_token) })).status).toBe(200);
  });

  it("refreshes a token sent in the body", async () => {
    const { browser } = await signedIn();
    const refreshToken = browser.cookie("girlfanz.localhost", "fun_session");
    const response = await postToBrand("girlfanz", "/v1/auth/token", {
      grant_type: "refresh_token",
      refreshToken,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as BrandTokens).refresh_token).not.toBe(refreshToken);
  });

  it("redeems a native app's code with its PKCE verifier, once", async () => {
    const { person, code, verifier } = await nativeCode();
    const request = { grant_type: "authorization_code", code, codeVerifier: verifier, redirectUri: CALLBACK };
    const response = await postToBrand("girlfanz", "/v1/auth/token", request);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as BrandTokens;
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      sub: person.id,
      tenant: SEED.tenants.girlfanz.id,
    });
    expect(decodeJwt(tokens.id_token ?? "")).toMatchObject({ aud: "girlfanz-web" });
    await expectProblem(await postToBrand("girlfanz", "/v1/auth/token", request), 400, "invalid_grant");
  });

  it("refuses a code with the wrong verifier, or redeemed on another brand", async () => {
    const { code, verifier } = await nativeCode();
    const wrong = (await pkcePair()).verifier;
    await expectProblem(
      await postToBrand("pupfanz", "/v1/auth/token", {
        grant_type: "authorization_code",
        code,
        codeVerifier: verifier,
        redirectUri: CALLBACK,
      }),
      400,
      "invalid_grant",
    );
    const again = await nativeCode();
    await expectProblem(
      await postToBrand("girlfanz", "/v1/auth/token", {
        grant_type: "authorization_code",
        code: again.code,
        codeVerifier: wrong,
        redirectUri: CALLBACK,
      }),
      400,
      "invalid_grant",
    );
  });

  it("refuses another brand's refresh token and garbage", async () => {
    const { browser } = await signedIn("girlfanz");
    const refreshToken = browser.cookie("girlfanz.localhost", "fun_session");
    await expectProblem(
      await postToBrand("pupfanz", "/v1/auth/token", { grant_type: "refresh_token", refreshToken }),
      400,
      "invalid_grant",
    );
    await expectProblem(
      await postToBrand("girlfanz", "/v1/auth/token", { grant_type: "refresh_token", refreshToken: "nope" }),
      400,
      "invalid_grant",
    );
    // The girlfanz token was not used up by the refused attempt.
    expect((await refreshFromCookie(browser)).status).toBe(200);
  });

  it("asks a caller with neither a token nor a cookie to sign in", async () => {
    await expectProblem(
      await postToBrand("girlfanz", "/v1/auth/token", { grant_type: "refresh_token" }),
      401,
      "unauthenticated",
    );
    await expectProblem(
      await postToBrand("girlfanz", "/v1/auth/token", { grant_type: "password", username: "x" }),
      400,
      "validation_failed",
    );
  });

  it("is not served on the auth host", async () => {
    await expectProblem(
      await callWorker("/v1/auth/token", {
        method: "POST",
        host: "auth.localhost:8787",
        json: { grant_type: "refresh_token", refreshToken: "x" },
      }),
      404,
      "not_found",
    );
  });
});

import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { bearer, callWorker, expectProblem, newPerson, TestBrowser } from "@fun/testing";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  type BrandTokens,
  followCallback,
  ISSUER,
  postToBrand,
  refreshFromCookie,
  startSignIn,
  throughIssuer,
} from "./brand-auth.testing";
import { sha256Hex } from "./brand-sign-in";

/** A sign-in started on `brand` and taken through the issuer's form: its code, state and binding. */
async function codeFor(brand = "girlfanz", body: Record<string, unknown> = {}) {
  const person = await newPerson();
  const browser = new TestBrowser();
  const { authorizationUrl, state } = await startSignIn(browser, brand, body);
  const callback = await throughIssuer(browser, authorizationUrl, person);
  return {
    person,
    browser,
    state,
    callback,
    code: callback.searchParams.get("code") ?? "",
    iss: callback.searchParams.get("iss") ?? "",
    binding: browser.cookie(`${brand}.localhost`, "fun_oidc") ?? "",
  };
}

const consumedAt = async (state: string) =>
  (
    await env.DB.prepare("SELECT consumed_at FROM oidc_transaction WHERE state_hash = ?")
      .bind(await sha256Hex(state))
      .first<{ consumed_at: number | null }>()
  )?.consumed_at;

describe("GET /v1/auth/oidc/callback (the browser comes back)", () => {
  it("signs the browser in: fun_session set for 30 days, fun_oidc cleared, back to returnTo", async () => {
    const { browser, callback, person } = await codeFor("girlfanz", { returnTo: "/feed?tab=new" });
    expect(`${callback.origin}${callback.pathname}`).toBe(
      "http://girlfanz.localhost:8787/v1/auth/oidc/callback",
    );
    expect(callback.searchParams.get("iss")).toBe(ISSUER);
    const done = await followCallback(browser, callback);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/feed?tab=new");
    const session = done.headers.getSetCookie().find((header) => header.startsWith("fun_session="));
    expect(session).toMatch(/Max-Age=2592000/);
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Path=\//);
    expect(browser.cookie("girlfanz.localhost", "fun_oidc")).toBeUndefined();

    const refreshed = await refreshFromCookie(browser);
    const tokens = (await refreshed.json()) as BrandTokens;
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      sub: person.id,
      tenant: SEED.tenants.girlfanz.id,
      client_id: "girlfanz-web",
    });
    expect((await callWorker("/v1/me", { headers: bearer(tokens.access_token) })).status).toBe(200);
  });

  it("goes back with signin=login_required when the issuer has nobody signed in (prompt=none)", async () => {
    const browser = new TestBrowser();
    const { authorizationUrl, state } = await startSignIn(browser, "girlfanz", {
      prompt: "none",
      returnTo: "/post/1?x=1#top",
    });
    const callback = await throughIssuer(browser, authorizationUrl);
    expect(callback.searchParams.get("error")).toBe("login_required");
    const done = await followCallback(browser, callback);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/post/1?x=1&signin=login_required#top");
    expect(browser.cookie("girlfanz.localhost", "fun_session")).toBeUndefined();
    expect(browser.cookie("girlfanz.localhost", "fun_oidc")).toBeUndefined();
    // The answer used the sign-in up.
    expect(await consumedAt(state)).toBeTypeOf("number");
  });

  it("refuses a state this browser did not start (login CSRF), and uses nothing up", async () => {
    const { callback, state } = await codeFor();
    const stranger = new TestBrowser();
    await expectProblem(await followCallback(stranger, callback), 400, "bad_request");
    stranger.setCookie("girlfanz.localhost", "fun_oidc", "x".repeat(43));
    await expectProblem(await followCallback(stranger, callback), 400, "bad_request");
    expect(stranger.cookie("girlfanz.localhost", "fun_session")).toBeUndefined();
    expect(await consumedAt(state)).toBeNull();
  });

  it("is not served on the auth host", async () => {
    await expectProblem(
      await callWorker("/v1/auth/oidc/callback?state=s&code=c", { host: "auth.localhost:8787" }),
      404,
      "not_found",
    );
  });
});

describe("POST /v1/auth/oidc/callback (a script got the redirect)", () => {
  it("answers the brand's tokens as JSON and sets the session cookie", async () => {
    const { browser, state, code, iss, person } = await codeFor("pupfanz");
    const response = await browser.fetch("http://pupfanz.localhost/v1/auth/oidc/callback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, state, iss }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const tokens = (await response.json()) as BrandTokens;
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 300, scope: "openid profile email" });
    expect(decodeJwt(tokens.id_token ?? "")).toMatchObject({
      sub: person.id,
      aud: "pupfanz-web",
      iss: ISSUER,
    });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ tenant: SEED.tenants.pupfanz.id });
    expect(browser.cookie("pupfanz.localhost", "fun_session")).toBe(tokens.refresh_token);
    expect(browser.cookie("pupfanz.localhost", "fun_oidc")).toBeUndefined();
  });

  it("answers 401 naming the issuer's error", async () => {
    const browser = new TestBrowser();
    const { state } = await startSignIn(browser, "girlfanz", { prompt: "none" });
    const response = await browser.fetch("http://girlfanz.localhost/v1/auth/oidc/callback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ state, error: "login_required", iss: ISSUER }),
    });
    const problem = await expectProblem(response, 401, "unauthenticated");
    expect(problem.detail).toContain("login_required");
    expect(await consumedAt(state)).toBeTypeOf("number");
  });

  it("refuses a response naming another issuer before using the state (mix-up)", async () => {
    const { state, code, binding } = await codeFor();
    const cookie = { cookie: `fun_oidc=${binding}` };
    await expectProblem(
      await postToBrand(
        "girlfanz",
        "/v1/auth/oidc/callback",
        { code, state, iss: "https://evil.example" },
        cookie,
      ),
      400,
      "bad_request",
    );
    expect(await consumedAt(state)).toBeNull();
    // The genuine answer still finishes the sign-in.
    expect(
      (await postToBrand("girlfanz", "/v1/auth/oidc/callback", { code, state, iss: ISSUER }, cookie)).status,
    ).toBe(200);
  });

  it("refuses a replayed state", async () => {
    const { state, code, binding } = await codeFor();
    const cookie = { cookie: `fun_oidc=${binding}` };
    expect((await postToBrand("girlfanz", "/v1/auth/oidc/callback", { code, state }, cookie)).status).toBe(
      200,
    );
    await expectProblem(
      await postToBrand("girlfanz", "/v1/auth/oidc/callback", { code, state }, cookie),
      400,
      "bad_request",
    );
  });

  it("refuses another brand's state, even with its binding cookie", async () => {
    const { state, code, binding } = await codeFor("girlfanz");
    await expectProblem(
      await postToBrand(
        "pupfanz",
        "/v1/auth/oidc/callback",
        { code, state },
        { cookie: `fun_oidc=${binding}` },
      ),
      400,
      "bad_request",
    );
    expect(await consumedAt(state)).toBeNull();
  });

  it("refuses a missing or wrong binding cookie (login CSRF)", async () => {
    const { state, code, binding } = await codeFor();
    await expectProblem(
      await postToBrand("girlfanz", "/v1/auth/oidc/callback", { code, state }),
      400,
      "bad_request",
    );
    await expectProblem(
      await postToBrand(
        "girlfanz",
        "/v1/auth/oidc/callback",
        { code, state },
        { cookie: `fun_oidc=${binding}x` },
      ),
      400,
      "bad_request",
    );
    expect(await consumedAt(state)).toBeNull();
  });

  it("refuses an ID token whose nonce is not the one the sign-in started with", async () => {
    const { browser, state, code } = await codeFor();
    await env.DB.prepare("UPDATE oidc_transaction SET nonce = 'another-nonce' WHERE state_hash = ?")
      .bind(await sha256Hex(state))
      .run();
    const response = await browser.fetch("http://girlfanz.localhost/v1/auth/oidc/callback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, state }),
    });
    const problem = await expectProblem(response, 400, "invalid_grant");
    expect(problem.detail).toContain("nonce");
    expect(response.headers.getSetCookie().some((header) => header.startsWith("fun_session="))).toBe(false);
    expect(browser.cookie("girlfanz.localhost", "fun_session")).toBeUndefined();
  });

  it("refuses a code that was not issued for this sign-in", async () => {
    const browser = new TestBrowser();
    const { state } = await startSignIn(browser, "girlfanz");
    const other = await codeFor();
    const response = await browser.fetch("http://girlfanz.localhost/v1/auth/oidc/callback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: other.code, state }),
    });
    // Its PKCE verifier is another sign-in's: the issuer refuses the code.
    await expectProblem(response, 400, "invalid_grant");
  });
});

import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callWorker, expectProblem, TestBrowser } from "@fun/testing";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  type BrandTokens,
  followCallback,
  postToBrand,
  signedIn,
  startSignIn,
  throughIssuer,
  tokensOf,
} from "./brand-auth.testing";

const me = (brand: string, token: string) =>
  callWorker("/v1/me", { host: `${brand}.localhost`, headers: bearer(token) });

describe("hopping from girlfanz to pupfanz without a password", () => {
  it("prompt=none: signed in on the issuer, the browser comes back from it with a code and no form", async () => {
    const { person, browser } = await signedIn("girlfanz");
    const { authorizationUrl } = await startSignIn(browser, "pupfanz", { prompt: "none", returnTo: "/p" });
    const callback = await throughIssuer(browser, authorizationUrl);
    expect(callback.hostname).toBe("pupfanz.localhost");
    expect(callback.searchParams.get("code")).toBeTruthy();
    const done = await followCallback(browser, callback);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/p");
    const pup = await tokensOf(browser, "pupfanz");
    expect(decodeJwt(pup.access_token)).toMatchObject({ sub: person.id, tenant: SEED.tenants.pupfanz.id });
    // One sign-in session behind both brands.
    const girl = await tokensOf(browser, "girlfanz");
    expect(decodeJwt(pup.access_token).sid).toBe(decodeJwt(girl.access_token).sid);
  });
});

describe("POST /v1/auth/token/exchange", () => {
  it("turns a girlfanz access token into pupfanz tokens, good on pupfanz only", async () => {
    const { browser, person } = await signedIn("girlfanz");
    const girl = await tokensOf(browser, "girlfanz");
    const response = await browser.fetch("http://pupfanz.localhost/v1/auth/token/exchange", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ subjectToken: girl.access_token }),
    });
    expect(response.status).toBe(200);
    const pup = (await response.json()) as BrandTokens;
    expect(decodeJwt(pup.access_token)).toMatchObject({
      sub: person.id,
      tenant: SEED.tenants.pupfanz.id,
      client_id: "pupfanz-web",
      sid: decodeJwt(girl.access_token).sid,
    });
    expect(browser.cookie("pupfanz.localhost", "fun_session")).toBe(pup.refresh_token);
    expect((await me("pupfanz", pup.access_token)).status).toBe(200);
    await expectProblem(await me("girlfanz", pup.access_token), 401, "unauthenticated");
    // The pupfanz cookie refreshes on its own.
    expect((await tokensOf(browser, "pupfanz")).refresh_token).toBeTruthy();
  });

  it("gives no refresh token for a token without a session", async () => {
    const subjectToken = await accessToken({ accountId: SEED.accounts.fan.id, brand: "girlfanz" });
    const browser = new TestBrowser();
    const response = await browser.fetch("http://pupfanz.localhost/v1/auth/token/exchange", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ subjectToken }),
    });
    expect(response.status).toBe(200);
    const pup = (await response.json()) as BrandTokens;
    expect(pup.refresh_token).toBeUndefined();
    expect(browser.cookie("pupfanz.localhost", "fun_session")).toBeUndefined();
    expect((await me("pupfanz", pup.access_token)).status).toBe(200);
  });

  it("refuses garbage, a token of another issuer, an expired one and one from an ended session", async () => {
    const refuse = async (subjectToken: string) =>
      expectProblem(
        await postToBrand("pupfanz", "/v1/auth/token/exchange", { subjectToken }),
        400,
        "invalid_grant",
      );
    await refuse("not-a-token");
    await refuse(await accessToken({ accountId: SEED.accounts.fan.id, issuer: "https://evil.example" }));
    await refuse(
      await accessToken({
        accountId: SEED.accounts.fan.id,
        lifetimeSeconds: 60,
        now: Date.now() - 3_600_000,
      }),
    );
    const { browser } = await signedIn("girlfanz");
    const girl = await tokensOf(browser, "girlfanz");
    const ended = await postToBrand(
      "girlfanz",
      "/v1/sessions/revoke",
      { all: true },
      bearer(girl.access_token),
    );
    expect(ended.status).toBe(200);
    await refuse(girl.access_token);
  });

  it("is not served on the auth host", async () => {
    await expectProblem(
      await callWorker("/v1/auth/token/exchange", {
        method: "POST",
        host: "auth.localhost:8787",
        json: { subjectToken: "x" },
      }),
      404,
      "not_found",
    );
  });
});

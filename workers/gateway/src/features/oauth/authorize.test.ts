import { env } from "cloudflare:workers";
import { hashPassword } from "@fun/core/password";
import { SEED } from "@fun/db/seed";
import { callWorker, formFields, newPerson, pkcePair, TestBrowser } from "@fun/testing";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { loginThrottleFor } from "../accounts/password-sign-in";
import { issuerKeyRing } from "../identity/issuer-keys";
import { GIRLFANZ_CALLBACK, postToken, redeemCode } from "./oauth.testing";

const ISSUER = "http://auth.localhost:8787";
const PUPFANZ_CALLBACK = "http://pupfanz.localhost:8787/v1/auth/oidc/callback";
const PASSWORD = "fun-local-demo";

let ipCounter = 0;
/** A client address of its own per test, so the per-IP login limit of one test does not hit another. */
const freshIp = () => `203.0.113.${++ipCounter}`;

interface AuthorizeOptions {
  clientId?: string;
  redirectUri?: string;
  challenge?: string;
  method?: string | null;
  extra?: Record<string, string>;
}

async function authorizeUrl(options: AuthorizeOptions = {}) {
  const pkce = await pkcePair();
  const params = new URLSearchParams({
    response_type: "code",
    client_id: options.clientId ?? "girlfanz-web",
    redirect_uri: options.redirectUri ?? GIRLFANZ_CALLBACK,
    scope: "openid profile email",
    state: `state-${crypto.randomUUID()}`,
    nonce: `nonce-${crypto.randomUUID()}`,
    code_challenge: options.challenge ?? pkce.challenge,
    ...(options.method === null ? {} : { code_challenge_method: options.method ?? "S256" }),
    ...options.extra,
  });
  if (options.method === null) params.delete("code_challenge_method");
  return { url: `${ISSUER}/authorize?${params}`, params, pkce };
}

/** Opens the login page and posts the form, as a person would. */
async function signIn(browser: TestBrowser, url: string, email: string, password = PASSWORD) {
  const page = await browser.fetch(url);
  expect(page.status).toBe(200);
  const fields = formFields(await page.text()).map(([name, value]): [string, string] => [
    name,
    name === "email" ? email : name === "password" ? password : value,
  ]);
  return browser.postForm(`${ISSUER}/authorize`, fields, { "cf-connecting-ip": freshIp() });
}

function callbackParams(response: Response): URLSearchParams {
  const location = response.headers.get("location");
  if (!location) throw new Error(`no redirect (status ${response.status})`);
  return new URL(location).searchParams;
}

type Tokens = { access_token: string; refresh_token: string; id_token: string; scope: string };

/** A full sign-in of a new person: the code and what it was asked with. */
async function signedInCode(browser = new TestBrowser()) {
  const person = await newPerson();
  const { url, params, pkce } = await authorizeUrl();
  const response = await signIn(browser, url, person.email);
  expect(response.status).toBe(303);
  const answer = callbackParams(response);
  return { person, browser, params, pkce, answer, code: answer.get("code") ?? "" };
}

describe("discovery", () => {
  it("advertises exactly the code flow with S256, ES256 and our endpoints", async () => {
    const response = await callWorker("/.well-known/openid-configuration", { host: "auth.localhost" });
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      code_challenge_methods_supported: ["S256"],
      id_token_signing_alg_values_supported: ["ES256"],
      response_types_supported: ["code"],
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.grant_types_supported).toEqual([
      "authorization_code",
      "refresh_token",
      "urn:ietf:params:oauth:grant-type:token-exchange",
    ]);
    const brand = await callWorker("/.well-known/openid-configuration", { host: "girlfanz.localhost" });
    expect(brand.status).toBe(404);
  });
});

describe("the login page", () => {
  it("is a plain form in the theme of the brand that asked, with a CSRF field", async () => {
    const { url } = await authorizeUrl({ clientId: "pupfanz-web", redirectUri: PUPFANZ_CALLBACK });
    const response = await new TestBrowser().fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const page = await response.text();
    expect(page).toContain("PupFanz");
    expect(page).toContain("#1f6feb");
    expect(page).toMatch(/<form method="post" action="\/authorize">/);
    const names = formFields(page).map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(["email", "password", "csrf_token", "code_challenge"]));
  });

  it("refuses a post without the browser's CSRF token and signs nobody in", async () => {
    const browser = new TestBrowser();
    const { url } = await authorizeUrl();
    const page = await (await browser.fetch(url)).text();
    const fields = formFields(page).map(([name, value]): [string, string] => [
      name,
      name === "csrf_token"
        ? "A".repeat(43)
        : name === "email"
          ? "creator@fun.localhost"
          : name === "password"
            ? PASSWORD
            : value,
    ]);
    const forged = await browser.postForm(`${ISSUER}/authorize`, fields);
    expect(forged.status).toBe(403);
    expect(forged.headers.get("location")).toBeNull();
    expect(browser.cookie("auth.localhost", "fun_sso")).toBeUndefined();

    // Posted from another site: right token, wrong Origin.
    const crossSite = await browser.fetch(`${ISSUER}/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.localhost" },
      body: new URLSearchParams(
        formFields(page).map(([n, v]) => [
          n,
          n === "email" ? "creator@fun.localhost" : n === "password" ? PASSWORD : v,
        ]),
      ).toString(),
    });
    expect(crossSite.status).toBe(403);
  });

  it("gives the same generic error for a wrong password and an unknown email", async () => {
    const { url } = await authorizeUrl();
    const wrongPassword = await signIn(new TestBrowser(), url, (await newPerson()).email, "not-the-password");
    const unknown = await signIn(new TestBrowser(), url, "nobody@fun.localhost", "not-the-password");
    expect(wrongPassword.status).toBe(400);
    expect(unknown.status).toBe(400);
    const [a, b] = [await wrongPassword.text(), await unknown.text()];
    const error = (page: string) => /<p class="error"[^>]*>([^<]*)</.exec(page)?.[1];
    expect(error(a)).toBeDefined();
    expect(error(a)).toBe(error(b));
  });
});

describe("the authorization code flow", () => {
  it("signs in, redirects with code, state and iss, and the code gives tokens with a valid ID token", async () => {
    const { person, browser, params, pkce, answer, code } = await signedInCode();
    expect(answer.get("state")).toBe(params.get("state"));
    expect(answer.get("iss")).toBe(ISSUER);
    expect(browser.cookie("auth.localhost", "fun_sso")).toBeDefined();

    const response = await redeemCode(code, pkce.verifier);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Tokens;
    const jwks = createLocalJWKSet(await issuerKeyRing(env).jwks());
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, {
      issuer: ISSUER,
      audience: "girlfanz-web",
      algorithms: ["ES256"],
    });
    expect(protectedHeader.typ).toBe("JWT");
    expect(payload).toMatchObject({
      sub: person.id,
      nonce: params.get("nonce"),
      email: person.email,
      email_verified: true,
      amr: ["pwd"],
    });
    expect(typeof payload.sid).toBe("string");
    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({
      tenant: SEED.tenants.girlfanz.id,
      client_id: "girlfanz-web",
      sid: payload.sid,
    });

    const me = await callWorker("/v1/me", { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
  });

  it("accepts a code once; a replay is refused and revokes the refresh token it gave", async () => {
    const { pkce, code } = await signedInCode();
    const first = (await (await redeemCode(code, pkce.verifier)).json()) as Tokens;
    const replay = await redeemCode(code, pkce.verifier);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
    const refresh = await postToken({
      grant_type: "refresh_token",
      client_id: "girlfanz-web",
      refresh_token: first.refresh_token,
    });
    expect(refresh.status).toBe(400);
  });

  it("refuses a wrong code_verifier, another client, another redirect_uri", async () => {
    for (const attempt of [
      (code: string) => redeemCode(code, "x".repeat(43)),
      (code: string, verifier: string) =>
        redeemCode(code, verifier, { redirectUri: PUPFANZ_CALLBACK, clientId: "pupfanz-web" }),
      (code: string, verifier: string) =>
        redeemCode(code, verifier, { redirectUri: "https://girlfanz.com/v1/auth/oidc/callback" }),
    ]) {
      const { pkce, code } = await signedInCode();
      const response = await attempt(code, pkce.verifier);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_grant" });
    }
  });

  it("refuses plain PKCE and a missing challenge (downgrade) at the redirect URI", async () => {
    for (const options of [{ method: "plain" }, { method: null }, { challenge: "" }]) {
      const { url, params } = await authorizeUrl(options);
      const response = await new TestBrowser().fetch(url);
      expect(response.status).toBe(302);
      const answer = callbackParams(response);
      expect(answer.get("error")).toBe("invalid_request");
      expect(answer.get("state")).toBe(params.get("state"));
      expect(answer.get("iss")).toBe(ISSUER);
    }
  });

  it("never redirects to an unregistered or altered redirect URI (open redirect)", async () => {
    for (const redirectUri of [
      "https://evil.example/callback",
      `${GIRLFANZ_CALLBACK}/extra`,
      `${GIRLFANZ_CALLBACK}?next=https://evil.example`,
      "http://girlfanz.localhost:8788/v1/auth/oidc/callback",
      PUPFANZ_CALLBACK,
    ]) {
      const { url } = await authorizeUrl({ redirectUri });
      const response = await new TestBrowser().fetch(url);
      expect(response.status, redirectUri).toBe(400);
      expect(response.headers.get("location")).toBeNull();
    }
    const unknownClient = await new TestBrowser().fetch((await authorizeUrl({ clientId: "evil-web" })).url);
    expect(unknownClient.status).toBe(400);
  });

  it("answers prompt=none with login_required when nobody is signed in, and with a code when someone is", async () => {
    const anonymous = await new TestBrowser().fetch((await authorizeUrl({ extra: { prompt: "none" } })).url);
    expect(callbackParams(anonymous).get("error")).toBe("login_required");

    const { browser } = await signedInCode();
    const hop = await authorizeUrl({
      clientId: "pupfanz-web",
      redirectUri: PUPFANZ_CALLBACK,
      extra: { prompt: "none" },
    });
    const silent = await browser.fetch(hop.url);
    expect(silent.status).toBe(302);
    const code = callbackParams(silent).get("code");
    expect(code).toBeTruthy();
    const tokens = (await (
      await redeemCode(code ?? "", hop.pkce.verifier, {
        redirectUri: PUPFANZ_CALLBACK,
        clientId: "pupfanz-web",
      })
    ).json()) as Tokens;
    expect(decodeJwt(tokens.access_token).tenant).toBe(SEED.tenants.pupfanz.id);
  });

  it("asks again when the sign-in is older than max_age", async () => {
    const { browser } = await signedInCode();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const fresh = await browser.fetch((await authorizeUrl({ extra: { max_age: "0" } })).url);
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toContain('name="password"');
    const silent = await browser.fetch((await authorizeUrl({ extra: { max_age: "0", prompt: "none" } })).url);
    expect(callbackParams(silent).get("error")).toBe("login_required");
    const generous = await browser.fetch((await authorizeUrl({ extra: { max_age: "3600" } })).url);
    expect(callbackParams(generous).get("code")).toBeTruthy();
  });
});

describe("userinfo, revocation, introspection and logout", () => {
  async function tokensFor(browser = new TestBrowser()) {
    const { person, pkce, code, browser: b } = await signedInCode(browser);
    return { person, browser: b, tokens: (await (await redeemCode(code, pkce.verifier)).json()) as Tokens };
  }

  it("userinfo answers the claims the scopes release, only with a valid token", async () => {
    const { person, tokens } = await tokensFor();
    const ok = await callWorker("/userinfo", {
      host: "auth.localhost",
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      sub: person.id,
      email: person.email,
      email_verified: true,
      name: person.name,
      preferred_username: person.handle,
    });
    const none = await callWorker("/userinfo", { host: "auth.localhost" });
    expect(none.status).toBe(401);
    const bad = await callWorker("/userinfo", {
      host: "auth.localhost",
      headers: { authorization: `Bearer ${tokens.id_token}` },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("revoking a refresh token ends its family; unknown tokens are answered alike", async () => {
    const { tokens } = await tokensFor();
    const revoke = (token: string) =>
      callWorker("/revoke", {
        method: "POST",
        host: "auth.localhost",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token, client_id: "girlfanz-web" }).toString(),
      });
    expect((await revoke(tokens.refresh_token)).status).toBe(200);
    expect((await revoke("not-a-token")).status).toBe(200);
    const refresh = await postToken({
      grant_type: "refresh_token",
      client_id: "girlfanz-web",
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.status).toBe(400);
  });

  it("introspection is for internal callers and reports live and ended tokens", async () => {
    const { tokens: fan } = await tokensFor();
    const { person, tokens } = await tokensFor();
    const introspect = (token: string, caller: string) =>
      callWorker("/introspect", {
        method: "POST",
        host: "auth.localhost",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${caller}` },
        body: new URLSearchParams({ token }).toString(),
      });
    // An account without roles lacks tokens:introspect.
    const refused = await introspect(tokens.access_token, fan.access_token);
    expect(refused.status).toBe(403);

    const staffBrowser = new TestBrowser();
    const { url, pkce } = await authorizeUrl();
    const staffCode =
      callbackParams(await signIn(staffBrowser, url, "staff@fun.localhost")).get("code") ?? "";
    const internal = ((await (await redeemCode(staffCode, pkce.verifier)).json()) as Tokens).access_token;
    const live = await introspect(tokens.access_token, internal);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({
      active: true,
      sub: person.id,
      client_id: "girlfanz-web",
    });
    const refresh = await introspect(tokens.refresh_token, internal);
    expect(await refresh.json()).toMatchObject({ active: true, token_type: "refresh_token" });
    expect(await (await introspect("garbage", internal)).json()).toEqual({ active: false });
  });

  it("logout with an id_token_hint ends the session on every brand and goes to the registered URI only", async () => {
    const { browser, tokens } = await tokensFor();
    // The same browser hops to pupfanz silently: both brands now hang off one session.
    const hop = await authorizeUrl({
      clientId: "pupfanz-web",
      redirectUri: PUPFANZ_CALLBACK,
      extra: { prompt: "none" },
    });
    const pupCode = callbackParams(await browser.fetch(hop.url)).get("code") ?? "";
    const pup = (await (
      await redeemCode(pupCode, hop.pkce.verifier, { redirectUri: PUPFANZ_CALLBACK, clientId: "pupfanz-web" })
    ).json()) as Tokens;

    const evil = await browser.fetch(
      `${ISSUER}/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: "https://evil.example/" })}`,
    );
    expect(evil.status).toBe(200);
    expect(evil.headers.get("location")).toBeNull();

    for (const [client, token] of [
      ["girlfanz-web", tokens.refresh_token],
      ["pupfanz-web", pup.refresh_token],
    ] as const) {
      const refresh = await postToken({
        grant_type: "refresh_token",
        client_id: client,
        refresh_token: token,
      });
      expect(refresh.status, client).toBe(400);
    }
    const userinfo = await callWorker("/userinfo", {
      host: "auth.localhost",
      headers: { authorization: `Bearer ${pup.access_token}` },
    });
    expect(userinfo.status).toBe(401);
    const silent = await browser.fetch((await authorizeUrl({ extra: { prompt: "none" } })).url);
    expect(callbackParams(silent).get("error")).toBe("login_required");

    const { tokens: again } = await tokensFor();
    const back = await new TestBrowser().fetch(
      `${ISSUER}/logout?${new URLSearchParams({ id_token_hint: again.id_token, post_logout_redirect_uri: "http://girlfanz.localhost:8787/", state: "s1" })}`,
    );
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("http://girlfanz.localhost:8787/?state=s1");
  });

  it("logout without a hint asks the signed-in user to confirm first", async () => {
    const { browser } = await tokensFor();
    const ask = await browser.fetch(`${ISSUER}/logout`);
    expect(ask.status).toBe(200);
    const page = await ask.text();
    expect(page).toContain("Sign out everywhere?");
    const stillIn = await browser.fetch((await authorizeUrl({ extra: { prompt: "none" } })).url);
    expect(callbackParams(stillIn).get("code")).toBeTruthy();
    const confirm = await browser.postForm(`${ISSUER}/logout`, formFields(page));
    expect(confirm.status).toBe(200);
    const out = await browser.fetch((await authorizeUrl({ extra: { prompt: "none" } })).url);
    expect(callbackParams(out).get("error")).toBe("login_required");
  });
});

describe("a disabled account", () => {
  it("cannot sign in, refresh, or use a sign-in it already had", async () => {
    const id = `acc_${"0".repeat(20)}DSBLD1`;
    const email = "disabled-later@fun.localhost";
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO account (id, email, password_hash, status, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?)",
    )
      .bind(id, email, await hashPassword(PASSWORD), now, now)
      .run();
    const browser = new TestBrowser();
    const { url, pkce } = await authorizeUrl();
    const code = callbackParams(await signIn(browser, url, email)).get("code") ?? "";
    const tokens = (await (await redeemCode(code, pkce.verifier)).json()) as Tokens;
    expect(tokens.refresh_token).toBeTruthy();

    await env.DB.prepare("UPDATE account SET status = 'disabled' WHERE id = ?").bind(id).run();

    const refresh = await postToken({
      grant_type: "refresh_token",
      client_id: "girlfanz-web",
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.status).toBe(400);
    const silent = await browser.fetch((await authorizeUrl({ extra: { prompt: "none" } })).url);
    expect(callbackParams(silent).get("error")).toBe("login_required");
    const again = await signIn(new TestBrowser(), (await authorizeUrl()).url, email);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("do not match an active account");
    const userinfo = await callWorker("/userinfo", {
      host: "auth.localhost",
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
  });
});

describe("brute force on the login form", () => {
  it("answers 429 with Retry-After once an email has failed too often, even with the right password", async () => {
    const person = await newPerson();
    const { url } = await authorizeUrl();
    for (let attempt = 0; attempt < 4; attempt++) {
      expect((await signIn(new TestBrowser(), url, person.email, "wrong-password")).status).toBe(400);
    }
    // Four more failures recorded straight away: the streak now holds a lockout of 8 seconds, long
    // enough that this test never races it.
    const throttle = loginThrottleFor(env, person.email);
    for (let failure = 0; failure < 4; failure++) await throttle.recordFailure();
    const locked = await signIn(new TestBrowser(), url, person.email);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(5);
    expect(locked.headers.get("location")).toBeNull();
    expect(await locked.text()).toContain("Too many attempts");
  });
});

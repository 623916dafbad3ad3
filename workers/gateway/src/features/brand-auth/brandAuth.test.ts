import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import {
  accessToken,
  bearer,
  callWorker,
  expectProblem,
  formFields,
  newPerson,
  PERSON_PASSWORD,
  TestBrowser,
  type TestPerson,
} from "@fun/testing";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./brand-sign-in";

type Tokens = { access_token: string; refresh_token?: string; id_token?: string; scope: string };

let ip = 0;

async function start(browser: TestBrowser, brand: string, body: Record<string, unknown> = {}) {
  const response = await browser.fetch(`http://${brand}.localhost/v1/auth/oidc/start`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { authorizationUrl: string; state: string; expiresIn: number };
}

/** Follows the issuer URL in the browser and signs in with the login form; answers the callback URL. */
async function throughIssuer(
  browser: TestBrowser,
  authorizationUrl: string,
  person?: TestPerson,
): Promise<URL> {
  const first = await browser.fetch(authorizationUrl);
  if (first.status === 302) return new URL(first.headers.get("location") ?? "");
  expect(first.status).toBe(200);
  if (!person) throw new Error("the issuer asked for a password");
  const fields = formFields(await first.text()).map(([name, value]): [string, string] => [
    name,
    name === "email" ? person.email : name === "password" ? PERSON_PASSWORD : value,
  ]);
  const posted = await browser.postForm("http://auth.localhost:8787/authorize", fields, {
    "cf-connecting-ip": `192.0.2.${++ip}`,
  });
  expect(posted.status).toBe(303);
  return new URL(posted.headers.get("location") ?? "");
}

/** Signs a new person in on a brand the way its web pages do; answers the browser and who it is. */
async function signedIn(brand = "girlfanz") {
  const person = await newPerson();
  const browser = new TestBrowser();
  const { authorizationUrl } = await start(browser, brand, { returnTo: "/feed?tab=new" });
  const callback = await throughIssuer(browser, authorizationUrl, person);
  expect(callback.hostname).toBe(`${brand}.localhost`);
  const done = await browser.fetch(`http://${brand}.localhost${callback.pathname}${callback.search}`);
  expect(done.status).toBe(303);
  expect(done.headers.get("location")).toBe("/feed?tab=new");
  return { person, browser };
}

function postJson(brand: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return callWorker(path, {
    method: "POST",
    host: `${brand}.localhost`,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("signing in to a brand", () => {
  it("runs the browser flow: start, the issuer's form, the callback sets the brand's session cookie", async () => {
    const { browser } = await signedIn();
    const session = browser.cookie("girlfanz.localhost", "fun_session");
    expect(session).toBeTruthy();
    expect(browser.cookie("girlfanz.localhost", "fun_oidc")).toBeUndefined();

    // The web pages refresh from the cookie alone; the cookie rotates with the token.
    const refreshed = await browser.fetch("http://girlfanz.localhost/v1/auth/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token" }),
    });
    expect(refreshed.status).toBe(200);
    const tokens = (await refreshed.json()) as Tokens;
    expect(browser.cookie("girlfanz.localhost", "fun_session")).toBe(tokens.refresh_token);
    expect(tokens.refresh_token).not.toBe(session);
    expect((await callWorker("/v1/me", { headers: bearer(tokens.access_token) })).status).toBe(200);
  });

  it("answers the tokens as JSON to a script that posts the callback", async () => {
    const person = await newPerson();
    const browser = new TestBrowser();
    const { authorizationUrl, state } = await start(browser, "pupfanz");
    const callback = await throughIssuer(browser, authorizationUrl, person);
    const response = await browser.fetch("http://pupfanz.localhost/v1/auth/oidc/callback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        code: callback.searchParams.get("code"),
        state,
        iss: callback.searchParams.get("iss"),
      }),
    });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Tokens;
    expect(decodeJwt(tokens.id_token ?? "")).toMatchObject({ sub: person.id, aud: "pupfanz-web" });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ tenant: SEED.tenants.pupfanz.id });
    expect(browser.cookie("pupfanz.localhost", "fun_session")).toBe(tokens.refresh_token);
  });

  it("refuses a replayed state, another brand's state, a missing binding cookie and another issuer", async () => {
    const person = await newPerson();
    const browser = new TestBrowser();
    const { authorizationUrl, state } = await start(browser, "girlfanz");
    const callback = await throughIssuer(browser, authorizationUrl, person);
    const code = callback.searchParams.get("code") ?? "";
    const binding = browser.cookie("girlfanz.localhost", "fun_oidc") ?? "";

    // Login CSRF: an attacker's browser (no fun_oidc) cannot finish a victim's sign-in, nor the reverse.
    await expectProblem(
      await postJson("girlfanz", "/v1/auth/oidc/callback", { code, state }),
      400,
      "bad_request",
    );
    // The same state on another brand.
    await expectProblem(
      await postJson("pupfanz", "/v1/auth/oidc/callback", { code, state }, { cookie: `fun_oidc=${binding}` }),
      400,
      "bad_request",
    );
    // A response that names another issuer (mix-up).
    await expectProblem(
      await postJson(
        "girlfanz",
        "/v1/auth/oidc/callback",
        { code, state, iss: "https://evil.example" },
        { cookie: `fun_oidc=${binding}` },
      ),
      400,
      "bad_request",
    );
    // That consumed the state: it cannot be used again, even rightly.
    await expectProblem(
      await postJson(
        "girlfanz",
        "/v1/auth/oidc/callback",
        { code, state },
        { cookie: `fun_oidc=${binding}` },
      ),
      400,
      "bad_request",
    );
  });

  it("refuses an ID token whose nonce is not the one the sign-in started with", async () => {
    const person = await newPerson();
    const browser = new TestBrowser();
    const { authorizationUrl, state } = await start(browser, "girlfanz");
    const callback = await throughIssuer(browser, authorizationUrl, person);
    await env.DB.prepare(
      "UPDATE oidc_transaction SET nonce = 'another-nonce' WHERE consumed_at IS NULL",
    ).run();
    const response = await browser.fetch("http://girlfanz.localhost/v1/auth/oidc/callback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: callback.searchParams.get("code"), state }),
    });
    await expectProblem(response, 400, "invalid_grant");
    expect(browser.cookie("girlfanz.localhost", "fun_session")).toBeUndefined();
  });

  it("keeps only plain paths on the brand as where to return", () => {
    expect(safeReturnTo("/feed?tab=new#top")).toBe("/feed?tab=new#top");
    expect(safeReturnTo("/a/../feed")).toBe("/feed");
    for (const unsafe of [
      "//evil.example",
      "/.//evil.example",
      "/a/..//evil.example",
      "/\\evil.example",
      "https://evil.example/",
      "evil",
      undefined,
    ]) {
      expect(safeReturnTo(unsafe), String(unsafe)).toBe("/");
    }
  });

  it("returns only to paths on the brand", async () => {
    for (const returnTo of [
      "//evil.example/x",
      "https://evil.example/",
      "/\\evil.example",
      "evil",
      "/.//evil.example",
      "/a/..//evil.example",
    ]) {
      const browser = new TestBrowser();
      const { authorizationUrl } = await start(browser, "girlfanz", { returnTo, prompt: "none" });
      const callback = await throughIssuer(browser, authorizationUrl);
      const done = await browser.fetch(`http://girlfanz.localhost${callback.pathname}${callback.search}`);
      expect(done.status).toBe(303);
      expect(done.headers.get("location"), returnTo).toBe("/?signin=login_required");
    }
  });
});

describe("hopping from girlfanz to pupfanz without a password", () => {
  it("prompt=none: the issuer's session answers at once", async () => {
    const { person, browser } = await signedIn("girlfanz");
    const { authorizationUrl } = await start(browser, "pupfanz", { prompt: "none", returnTo: "/" });
    const callback = await throughIssuer(browser, authorizationUrl);
    expect(callback.searchParams.get("code")).toBeTruthy();
    const done = await browser.fetch(`http://pupfanz.localhost${callback.pathname}${callback.search}`);
    expect(done.status).toBe(303);
    const refreshed = await browser.fetch("http://pupfanz.localhost/v1/auth/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token" }),
    });
    const tokens = (await refreshed.json()) as Tokens;
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: person.id, tenant: SEED.tenants.pupfanz.id });
  });

  it("token exchange: a girlfanz token becomes a pupfanz one, good on pupfanz only", async () => {
    const { browser } = await signedIn("girlfanz");
    const girl = (await (
      await browser.fetch("http://girlfanz.localhost/v1/auth/token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ grant_type: "refresh_token" }),
      })
    ).json()) as Tokens;
    const exchanged = await postJson("pupfanz", "/v1/auth/token/exchange", {
      subjectToken: girl.access_token,
    });
    expect(exchanged.status).toBe(200);
    const pup = (await exchanged.json()) as Tokens;
    expect(pup.refresh_token).toBeTruthy();
    const me = (host: string, token: string) => callWorker("/v1/me", { host, headers: bearer(token) });
    expect((await me("pupfanz.localhost", pup.access_token)).status).toBe(200);
    expect((await me("girlfanz.localhost", pup.access_token)).status).toBe(401);
    await expectProblem(
      await postJson("pupfanz", "/v1/auth/token/exchange", { subjectToken: "not-a-token" }),
      400,
      "invalid_grant",
    );
  });
});

describe("sessions", () => {
  async function tokensOf(browser: TestBrowser, brand = "girlfanz") {
    const response = await browser.fetch(`http://${brand}.localhost/v1/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token" }),
    });
    return (await response.json()) as Tokens;
  }

  it("lists the devices and names the current one", async () => {
    const { browser } = await signedIn();
    const { access_token } = await tokensOf(browser);
    const current = await callWorker("/v1/sessions/current", { headers: bearer(access_token) });
    expect(current.status).toBe(200);
    const session = (await current.json()) as { id: string; current: boolean; methods: string[] };
    expect(session).toMatchObject({ current: true, methods: ["pwd"] });
    const list = (await (await callWorker("/v1/sessions", { headers: bearer(access_token) })).json()) as {
      sessions: { id: string; current: boolean }[];
    };
    expect(list.sessions).toEqual([expect.objectContaining({ id: session.id, current: true })]);
  });

  it("refuses anonymous callers and other brands' tokens", async () => {
    const { browser } = await signedIn();
    const { access_token } = await tokensOf(browser);
    for (const path of ["/v1/sessions/current", "/v1/sessions"]) {
      await expectProblem(await callWorker(path), 401, "unauthenticated");
      await expectProblem(
        await callWorker(path, { host: "pupfanz.localhost", headers: bearer(access_token) }),
        401,
        "unauthenticated",
      );
    }
    await expectProblem(
      await postJson("girlfanz", "/v1/sessions/revoke", { all: true }),
      401,
      "unauthenticated",
    );
  });

  it("a person cannot end another person's session", async () => {
    const victim = await signedIn();
    const victimTokens = await tokensOf(victim.browser);
    const sessionId = (
      (await (
        await callWorker("/v1/sessions/current", { headers: bearer(victimTokens.access_token) })
      ).json()) as { id: string }
    ).id;
    const attacker = await accessToken({ accountId: SEED.accounts.fan.id });
    await expectProblem(
      await postJson("girlfanz", "/v1/sessions/revoke", { sessionId }, bearer(attacker)),
      404,
      "not_found",
    );
    expect(
      (await callWorker("/v1/sessions/current", { headers: bearer(victimTokens.access_token) })).status,
    ).toBe(200);
  });

  it("revoking the current session stops its refresh tokens on every brand", async () => {
    const { browser } = await signedIn();
    const { access_token } = await tokensOf(browser);
    const sessionId = (
      (await (await callWorker("/v1/sessions/current", { headers: bearer(access_token) })).json()) as {
        id: string;
      }
    ).id;
    const revoked = await postJson("girlfanz", "/v1/sessions/revoke", { sessionId }, bearer(access_token));
    expect(await revoked.json()).toEqual({ revoked: 1 });
    const refresh = await browser.fetch("http://girlfanz.localhost/v1/auth/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token" }),
    });
    await expectProblem(refresh, 400, "invalid_grant");
    await expectProblem(
      await callWorker("/v1/sessions/current", { headers: bearer(access_token) }),
      404,
      "not_found",
    );
  });

  it("{all: true} ends every session of the account, and the body must say one or the other", async () => {
    const { browser } = await signedIn();
    const { access_token } = await tokensOf(browser);
    await expectProblem(
      await postJson("girlfanz", "/v1/sessions/revoke", {}, bearer(access_token)),
      400,
      "validation_failed",
    );
    await expectProblem(
      await postJson("girlfanz", "/v1/sessions/revoke", { all: true, sessionId: "x" }, bearer(access_token)),
      400,
      "validation_failed",
    );
    const all = await postJson("girlfanz", "/v1/sessions/revoke", { all: true }, bearer(access_token));
    expect(await all.json()).toEqual({ revoked: 1 });
  });
});

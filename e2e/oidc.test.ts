/**
 * End-to-end single sign-on: the unmodified `openid-client` package, as an independent relying
 * party, drives the real issuer under `wrangler dev`: discovery, the authorization code flow with
 * PKCE through the login form, ID token validation, userinfo, refresh, refresh-token replay,
 * token exchange to another brand, a silent `prompt=none` sign-in on a third and logout everywhere.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, httpRequest, type Stack, startStack } from "../scripts/stack";

const PASSWORD = "fun-local-demo";
/** Short, so the test can wait past it; production uses 30 s. */
const REUSE_GRACE_SECONDS = 2;
const callback = (slug: string) => `http://${slug}.localhost:8787/v1/auth/oidc/callback`;

let stack: Stack | undefined;
let persistTo: string | undefined;
let port = 0;

/**
 * `*.localhost` names do not resolve on every machine, so every request goes to the stack on
 * 127.0.0.1 with the URL's host as its Host header, which is what a browser would send.
 */
const viaStack: oidc.CustomFetch = async (url, options) => {
  const target = new URL(url);
  const body =
    options.body === undefined || options.body === null
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : new TextDecoder().decode(
            await new Response(options.body as ConstructorParameters<typeof Response>[0]).arrayBuffer(),
          );
  const response = await httpRequest({
    port,
    host: target.host,
    path: `${target.pathname}${target.search}`,
    method: options.method,
    headers: options.headers,
    ...(body === undefined ? {} : { body }),
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value])
      headers.append(name, item);
  }
  const empty = [204, 304].includes(response.status) || response.body === "";
  return new Response(empty ? null : response.body, { status: response.status, headers });
};

/** A browser on the auth host: it keeps that host's cookies and never follows redirects. */
class Browser {
  readonly cookies = new Map<string, string>();

  async request(
    url: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ) {
    const target = new URL(url);
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await httpRequest({
      port,
      host: target.host,
      path: `${target.pathname}${target.search}`,
      method: init.method ?? "GET",
      headers: { ...init.headers, ...(cookie ? { cookie } : {}) },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const setCookies = response.headers["set-cookie"] ?? [];
    for (const header of Array.isArray(setCookies) ? setCookies : [setCookies]) {
      const [pair = ""] = header.split(";");
      const [name = "", value = ""] = pair.split("=");
      if (value === "" || /max-age=0/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Opens the login page at `url`, fills in the form and posts it; answers where it redirects. */
  async signIn(url: URL, email: string): Promise<URL> {
    const page = await this.request(url.href);
    expect(page.status).toBe(200);
    const form = /<form method="post" action="\/authorize">[\s\S]*?<\/form>/.exec(page.body)?.[0] ?? "";
    const fields = new URLSearchParams();
    for (const input of form.matchAll(/<input\b[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? "";
      if (name) fields.set(name, value.replaceAll("&amp;", "&").replaceAll("&quot;", '"'));
    }
    fields.set("email", email);
    fields.set("password", PASSWORD);
    const posted = await this.request(new URL("/authorize", url).href, {
      method: "POST",
      body: fields.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: url.origin },
    });
    expect(posted.status, posted.body.slice(0, 300)).toBe(303);
    return new URL(String(posted.headers.location));
  }
}

async function clientFor(slug: string): Promise<oidc.Configuration> {
  const config = await oidc.discovery(
    new URL(`http://auth.localhost:${port}`),
    `${slug}-web`,
    undefined,
    oidc.None(),
    { execute: [oidc.allowInsecureRequests], [oidc.customFetch]: viaStack },
  );
  return config;
}

/** A fresh authorization request: its URL and the checks the callback must pass. */
async function authorizationRequest(
  config: oidc.Configuration,
  slug: string,
  extra: Record<string, string> = {},
) {
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  const expectedState = oidc.randomState();
  const expectedNonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callback(slug),
    scope: "openid profile email",
    code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: "S256",
    state: expectedState,
    nonce: expectedNonce,
    ...extra,
  });
  return { url, checks: { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true } };
}

/** GET a brand's API with a bearer token, as its web app would. */
function brandGet(slug: string, path: string, token: string) {
  return httpRequest({
    port,
    host: `${slug}.localhost:${port}`,
    path,
    headers: { authorization: `Bearer ${token}` },
  });
}

beforeAll(async () => {
  persistTo = await mkdtemp(join(tmpdir(), "fun-e2e-oidc-"));
  port = await freePort();
  stack = await startStack({
    port,
    persistTo,
    demo: true,
    vars: { REFRESH_REUSE_GRACE_SECONDS: String(REUSE_GRACE_SECONDS) },
  });
});

afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    if (persistTo) await rm(persistTo, { recursive: true, force: true });
  }
});

describe("single sign-on across the three brands, driven by openid-client", () => {
  it("signs in on girlfanz, hops to pupfanz and daddyfanz, and signs out everywhere", async () => {
    const girlfanz = await clientFor("girlfanz");
    const metadata = girlfanz.serverMetadata();
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);

    // Authorization code + PKCE through the real login form.
    const browser = new Browser();
    const signIn = await authorizationRequest(girlfanz, "girlfanz");
    const redirect = await browser.signIn(signIn.url, "creator@fun.localhost");
    expect(redirect.searchParams.get("iss")).toBe(`http://auth.localhost:${port}`);
    const tokens = await oidc.authorizationCodeGrant(girlfanz, redirect, signIn.checks);
    const claims = tokens.claims();
    expect(claims?.email).toBe("creator@fun.localhost");
    expect(claims?.nonce).toBe(signIn.checks.expectedNonce);
    const subject = claims?.sub ?? "";

    const userinfo = await oidc.fetchUserInfo(girlfanz, tokens.access_token, subject);
    expect(userinfo.preferred_username).toBe("demo_creator");
    expect((await brandGet("girlfanz", "/v1/me", tokens.access_token)).status).toBe(200);

    // Refresh rotates; the spent token used again after the grace window revokes the family.
    const refreshed = await oidc.refreshTokenGrant(girlfanz, tokens.refresh_token ?? "");
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await new Promise((resolve) => setTimeout(resolve, (REUSE_GRACE_SECONDS + 1) * 1000));
    await expect(oidc.refreshTokenGrant(girlfanz, tokens.refresh_token ?? "")).rejects.toMatchObject({
      error: "invalid_grant",
    });
    await expect(oidc.refreshTokenGrant(girlfanz, refreshed.refresh_token ?? "")).rejects.toMatchObject({
      error: "invalid_grant",
    });

    // Token exchange: the girlfanz access token becomes a pupfanz one, good on pupfanz only.
    const pupfanz = await clientFor("pupfanz");
    const exchanged = await oidc.genericGrantRequest(
      pupfanz,
      "urn:ietf:params:oauth:grant-type:token-exchange",
      {
        subject_token: tokens.access_token,
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
      },
    );
    expect(exchanged.refresh_token).toBeTruthy();
    expect((await brandGet("pupfanz", "/v1/me", exchanged.access_token)).status).toBe(200);
    expect((await brandGet("girlfanz", "/v1/me", exchanged.access_token)).status).toBe(401);

    // prompt=none on daddyfanz: the browser's session on the auth host answers without a form.
    const daddyfanz = await clientFor("daddyfanz");
    const silent = await authorizationRequest(daddyfanz, "daddyfanz", { prompt: "none" });
    const hop = await browser.request(silent.url.href);
    expect(hop.status).toBe(302);
    const daddyTokens = await oidc.authorizationCodeGrant(
      daddyfanz,
      new URL(String(hop.headers.location)),
      silent.checks,
    );
    expect(daddyTokens.claims()?.sub).toBe(subject);
    expect((await brandGet("daddyfanz", "/v1/me", daddyTokens.access_token)).status).toBe(200);

    // Logout with the ID token as hint ends the one session behind every brand.
    const logoutUrl = oidc.buildEndSessionUrl(daddyfanz, {
      id_token_hint: daddyTokens.id_token ?? "",
      post_logout_redirect_uri: "http://daddyfanz.localhost:8787/",
      state: "bye",
    });
    const loggedOut = await browser.request(logoutUrl.href);
    expect(loggedOut.status).toBe(302);
    expect(loggedOut.headers.location).toBe("http://daddyfanz.localhost:8787/?state=bye");

    await expect(oidc.refreshTokenGrant(daddyfanz, daddyTokens.refresh_token ?? "")).rejects.toMatchObject({
      error: "invalid_grant",
    });
    await expect(oidc.refreshTokenGrant(pupfanz, exchanged.refresh_token ?? "")).rejects.toMatchObject({
      error: "invalid_grant",
    });
    await expect(oidc.fetchUserInfo(daddyfanz, daddyTokens.access_token, subject)).rejects.toThrow();
    const afterLogout = await authorizationRequest(pupfanz, "pupfanz", { prompt: "none" });
    const answer = await browser.request(afterLogout.url.href);
    expect(answer.status).toBe(302);
    await expect(
      oidc.authorizationCodeGrant(pupfanz, new URL(String(answer.headers.location)), afterLogout.checks),
    ).rejects.toMatchObject({ error: "login_required" });
  });
});

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type GatewayRequestInit, gatewayRequest, pkcePair, TestBrowser } from "@fun/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "../../app";
import { fakeUpstream, UPSTREAM, type UpstreamUser } from "./fake-upstream.testing";

const ISSUER = "http://auth.localhost:8787";
const CALLBACK = "http://girlfanz.localhost:8787/v1/auth/oidc/callback";
const CLIENT = { id: "fun-core", secret: "upstream-secret" };
const app = createGatewayApp();
const withProvider = {
  ...env,
  UPSTREAM_OIDC_PROVIDERS: JSON.stringify([
    {
      id: "example",
      name: "Example ID",
      issuer: UPSTREAM,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    },
  ]),
};

/** Sends requests through the real app with an upstream provider configured. */
async function send(path: string, init: GatewayRequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(gatewayRequest(path, init), withProvider, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

let upstream: Awaited<ReturnType<typeof fakeUpstream>>;
beforeAll(async () => {
  upstream = await fakeUpstream(CLIENT);
});
afterAll(() => upstream.restore());

let users = 0;
const newUser = (overrides: Partial<UpstreamUser> = {}): UpstreamUser => ({
  sub: `upstream-user-${++users}`,
  email: `upstream${users}@example.test`,
  emailVerified: true,
  name: `Upstream ${users}`,
  ...overrides,
});

/** Starts on the login page's link and answers the upstream authorization URL. */
async function start(browser: TestBrowser) {
  const pkce = await pkcePair();
  const params = new URLSearchParams({
    response_type: "code",
    client_id: "girlfanz-web",
    redirect_uri: CALLBACK,
    scope: "openid profile email",
    state: "client-state",
    nonce: "client-nonce",
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
  });
  const login = await (await browser.fetch(`${ISSUER}/authorize?${params}`)).text();
  expect(login).toContain(`/upstream/example/start?`);
  const started = await browser.fetch(`${ISSUER}/upstream/example/start?${params}`);
  expect(started.status).toBe(302);
  const authorizationUrl = started.headers.get("location") ?? "";
  expect(authorizationUrl.startsWith(`${UPSTREAM}/authorize?`)).toBe(true);
  return { pkce, authorizationUrl, state: new URL(authorizationUrl).searchParams.get("state") ?? "" };
}

async function signInThrough(user: UpstreamUser, browser = new TestBrowser("vitest", send)) {
  const { pkce, authorizationUrl, state } = await start(browser);
  const code = upstream.authorize(authorizationUrl, user);
  const callback = `${ISSUER}/upstream/example/callback?${new URLSearchParams({ code, state, iss: UPSTREAM })}`;
  return { response: await browser.fetch(callback), pkce, callback, browser };
}

async function redeem(location: string, verifier: string) {
  const code = new URL(location).searchParams.get("code") ?? "";
  const response = await send("/token", {
    method: "POST",
    host: "auth.localhost",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: "girlfanz-web",
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    }).toString(),
  });
  expect(response.status).toBe(200);
  return decodeJwt(((await response.json()) as { id_token: string }).id_token);
}

describe("signing in through an upstream OIDC provider", () => {
  it("creates the account on first sign-in, finds it again after, and returns to the client with a code", async () => {
    const user = newUser();
    const first = await signInThrough(user);
    expect(first.response.status).toBe(303);
    const idToken = await redeem(first.response.headers.get("location") ?? "", first.pkce.verifier);
    expect(idToken).toMatchObject({ amr: ["fed"], email: user.email, email_verified: true });
    const identity = await env.DB.prepare(
      "SELECT account_id FROM account_identity WHERE provider = 'example' AND subject = ?",
    )
      .bind(user.sub)
      .first<{ account_id: string }>();
    expect(identity?.account_id).toBe(idToken.sub);

    const again = await signInThrough(user);
    expect(again.response.status).toBe(303);
    expect((await redeem(again.response.headers.get("location") ?? "", again.pkce.verifier)).sub).toBe(
      idToken.sub,
    );
  });

  it("refuses a replayed state and a browser that did not start the sign-in", async () => {
    const { response, callback } = await signInThrough(newUser());
    expect(response.status).toBe(303);
    const replay = await new TestBrowser("vitest", send).fetch(callback);
    expect(replay.status).toBe(400);

    const browser = new TestBrowser("vitest", send);
    const { authorizationUrl, state } = await start(browser);
    const code = upstream.authorize(authorizationUrl, newUser());
    const elsewhere = await new TestBrowser("vitest", send).fetch(
      `${ISSUER}/upstream/example/callback?${new URLSearchParams({ code, state })}`,
    );
    expect(elsewhere.status).toBe(400);
    const wrongState = await browser.fetch(
      `${ISSUER}/upstream/example/callback?${new URLSearchParams({ code, state: "forged" })}`,
    );
    expect(wrongState.status).toBe(400);
  });

  it("refuses ID tokens with the wrong nonce, key, audience, issuer, algorithm or expiry", async () => {
    for (const flaw of [
      "wrong_nonce",
      "other_key",
      "wrong_aud",
      "wrong_iss",
      "alg_none",
      "expired",
    ] as const) {
      const user = newUser({ flaw });
      const { response } = await signInThrough(user);
      expect(response.status, flaw).toBe(400);
      const created = await env.DB.prepare("SELECT 1 FROM account_identity WHERE subject = ?")
        .bind(user.sub)
        .first();
      expect(created, flaw).toBeNull();
    }
  });

  it("never links an email that already belongs to one of our accounts", async () => {
    const { response } = await signInThrough(newUser({ email: "creator@fun.localhost" }));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Sign in with its password");
  });

  it("refuses a disabled account and an unknown provider", async () => {
    const user = newUser();
    const first = await signInThrough(user);
    const sub = (await redeem(first.response.headers.get("location") ?? "", first.pkce.verifier)).sub;
    await env.DB.prepare("UPDATE account SET status = 'disabled' WHERE id = ?").bind(sub).run();
    expect((await signInThrough(user)).response.status).toBe(403);
    const unknown = await send("/upstream/nowhere/start", { host: "auth.localhost" });
    expect(unknown.status).toBe(404);
  });
});

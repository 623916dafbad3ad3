import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type GatewayRequestInit, gatewayRequest, pkcePair, TestBrowser } from "@fun/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createGatewayApp } from "../../app";
import { GIRLFANZ_CALLBACK, redeemCode } from "../oauth/oauth.testing";
import { fakeUpstream, IMPOSTOR, UPSTREAM, type UpstreamUser } from "./fake-upstream.testing";
import { upstreamProviders } from "./upstream-config";

const ISSUER = "http://auth.localhost:8787";
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

/** Sends requests through the real app with the given vars (by default, the provider configured). */
async function sendWith(vars: Env, path: string, init: GatewayRequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(gatewayRequest(path, init), vars, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
const send = (path: string, init: GatewayRequestInit) => sendWith(withProvider, path, init);

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

async function clientRequest() {
  const pkce = await pkcePair();
  const params = new URLSearchParams({
    response_type: "code",
    client_id: "girlfanz-web",
    redirect_uri: GIRLFANZ_CALLBACK,
    scope: "openid profile email",
    state: "client-state",
    nonce: "client-nonce",
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
  });
  return { pkce, params };
}

/** Starts on the login page's link and answers the upstream authorization URL. */
async function start(browser: TestBrowser) {
  const { pkce, params } = await clientRequest();
  const login = await (await browser.fetch(`${ISSUER}/authorize?${params}`)).text();
  expect(login).toContain(`/upstream/example/start?`);
  expect(login).toContain("Continue with Example ID");
  const started = await browser.fetch(`${ISSUER}/upstream/example/start?${params}`);
  expect(started.status).toBe(302);
  const authorizationUrl = started.headers.get("location") ?? "";
  expect(authorizationUrl.startsWith(`${UPSTREAM}/authorize?`)).toBe(true);
  return { pkce, authorizationUrl, state: new URL(authorizationUrl).searchParams.get("state") ?? "" };
}

async function signInThrough(
  user: UpstreamUser,
  browser = new TestBrowser("vitest", send),
  answer: Record<string, string> = { iss: UPSTREAM },
) {
  const { pkce, authorizationUrl, state } = await start(browser);
  const code = upstream.authorize(authorizationUrl, user);
  const callback = `${ISSUER}/upstream/example/callback?${new URLSearchParams({ code, state, ...answer })}`;
  return { response: await browser.fetch(callback), pkce, callback, browser };
}

async function redeem(location: string, verifier: string) {
  const code = new URL(location).searchParams.get("code") ?? "";
  const response = await redeemCode(code, verifier, { send });
  expect(response.status).toBe(200);
  return decodeJwt(((await response.json()) as { id_token: string }).id_token);
}

async function identityOf(sub: string) {
  return env.DB.prepare("SELECT account_id FROM account_identity WHERE provider = 'example' AND subject = ?")
    .bind(sub)
    .first<{ account_id: string }>();
}

describe("signing in through an upstream OIDC provider", () => {
  it("creates the account on first sign-in, finds it again after, and returns to the client with a code", async () => {
    const user = newUser();
    const first = await signInThrough(user);
    expect(first.response.status).toBe(303);
    expect(first.response.headers.get("location")?.startsWith(`${GIRLFANZ_CALLBACK}?`)).toBe(true);
    const idToken = await redeem(first.response.headers.get("location") ?? "", first.pkce.verifier);
    expect(idToken).toMatchObject({ amr: ["fed"], email: user.email, email_verified: true });
    expect((await identityOf(user.sub))?.account_id).toBe(idToken.sub);
    const created = await env.DB.prepare(
      "SELECT a.status, p.type, p.display_name FROM account a JOIN profile p ON p.account_id = a.id WHERE a.id = ?",
    )
      .bind(idToken.sub)
      .first();
    expect(created).toEqual({ status: "active", type: "fan", display_name: user.name });

    const again = await signInThrough(user);
    expect(again.response.status).toBe(303);
    expect((await redeem(again.response.headers.get("location") ?? "", again.pkce.verifier)).sub).toBe(
      idToken.sub,
    );
    const identities = await env.DB.prepare("SELECT COUNT(*) AS n FROM account_identity WHERE subject = ?")
      .bind(user.sub)
      .first<{ n: number }>();
    expect(identities?.n).toBe(1);
  });

  it("refuses a replayed state", async () => {
    const { response, callback, browser } = await signInThrough(newUser());
    expect(response.status).toBe(303);
    expect((await browser.fetch(callback)).status).toBe(400);
    expect((await new TestBrowser("vitest", send).fetch(callback)).status).toBe(400);
  });

  it("refuses a forged state, and a callback without the binding cookie of the browser that started", async () => {
    const browser = new TestBrowser("vitest", send);
    const { authorizationUrl, state } = await start(browser);
    const code = upstream.authorize(authorizationUrl, newUser());
    const forged = await browser.fetch(
      `${ISSUER}/upstream/example/callback?${new URLSearchParams({ code, state: "forged" })}`,
    );
    expect(forged.status).toBe(400);
    const elsewhere = await new TestBrowser("vitest", send).fetch(
      `${ISSUER}/upstream/example/callback?${new URLSearchParams({ code, state })}`,
    );
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain("not started in this browser");
    // Neither attempt used up the sign-in: the browser that started it can still finish.
    const finished = await browser.fetch(
      `${ISSUER}/upstream/example/callback?${new URLSearchParams({ code, state })}`,
    );
    expect(finished.status).toBe(303);
  });

  it("refuses an answer that names another issuer in iss, and the upstream's own error", async () => {
    const user = newUser();
    expect((await signInThrough(user, undefined, { iss: "https://evil.example" })).response.status).toBe(400);
    expect(await identityOf(user.sub)).toBeNull();

    const browser = new TestBrowser("vitest", send);
    const { state } = await start(browser);
    const denied = await browser.fetch(
      `${ISSUER}/upstream/example/callback?${new URLSearchParams({ error: "access_denied", state })}`,
    );
    expect(denied.status).toBe(400);
    expect(await denied.text()).toContain("Example ID did not sign you in");
  });

  it.each(["wrong_nonce", "other_key", "wrong_aud", "wrong_iss", "alg_none", "hs256", "expired"] as const)(
    "refuses an ID token with a flaw: %s",
    async (flaw) => {
      const user = newUser({ flaw });
      const { response } = await signInThrough(user);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("did not confirm who you are");
      expect(await identityOf(user.sub)).toBeNull();
    },
  );

  it("never links an email that already belongs to one of our accounts", async () => {
    const user = newUser({ email: "Creator@fun.localhost" });
    const { response } = await signInThrough(user);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Sign in with its password");
    expect(await identityOf(user.sub)).toBeNull();
  });

  it("creates a pending account for an unverified email, and does not sign it in", async () => {
    const user = newUser({ emailVerified: false });
    const { response } = await signInThrough(user);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("not active yet");
    const identity = await identityOf(user.sub);
    const status = await env.DB.prepare("SELECT status FROM account WHERE id = ?")
      .bind(identity?.account_id ?? "")
      .first<{ status: string }>();
    expect(status?.status).toBe("pending");
  });

  it("refuses a disabled account and an unknown provider", async () => {
    const user = newUser();
    const first = await signInThrough(user);
    const sub = (await redeem(first.response.headers.get("location") ?? "", first.pkce.verifier)).sub;
    await env.DB.prepare("UPDATE account SET status = 'disabled' WHERE id = ?").bind(sub).run();
    const disabled = (await signInThrough(user)).response;
    expect(disabled.status).toBe(403);
    expect(await disabled.text()).toContain("This account is not active");
    const { params } = await clientRequest();
    expect((await send(`/upstream/nowhere/start?${params}`, { host: "auth.localhost" })).status).toBe(404);
    expect((await send("/upstream/nowhere/callback?state=x", { host: "auth.localhost" })).status).toBe(404);
  });

  it("serves upstream sign-in only on the auth host, and only for a valid authorization request", async () => {
    const { params } = await clientRequest();
    expect((await send(`/upstream/example/start?${params}`, { host: "girlfanz.localhost" })).status).toBe(
      404,
    );
    params.set("redirect_uri", "https://evil.example/callback");
    const invalid = await send(`/upstream/example/start?${params}`, { host: "auth.localhost" });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("location")).toBeNull();
  });

  it("refuses a provider whose discovery document names another issuer", async () => {
    const impostor = {
      ...env,
      UPSTREAM_OIDC_PROVIDERS: JSON.stringify([
        { id: "impostor", name: "Impostor", issuer: IMPOSTOR, client_id: "x", client_secret: "y" },
      ]),
    };
    const { params } = await clientRequest();
    const response = await sendWith(impostor, `/upstream/impostor/start?${params}`, {
      host: "auth.localhost",
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("location")).toBeNull();
  });
});

describe("the UPSTREAM_OIDC_PROVIDERS configuration", () => {
  const provider = { id: "example", name: "Example", issuer: UPSTREAM, client_id: "a", client_secret: "b" };
  const parse = (value: unknown) => () =>
    upstreamProviders({ UPSTREAM_OIDC_PROVIDERS: typeof value === "string" ? value : JSON.stringify(value) });

  it("accepts https issuers, and http only on localhost; scopes default to openid email profile", () => {
    expect(parse([provider])()[0]?.scopes).toBe("openid email profile");
    for (const issuer of ["http://localhost:9000", "http://id.localhost", "http://127.0.0.1:8080"]) {
      expect(parse([{ ...provider, issuer }])).not.toThrow();
    }
    expect(parse("")()).toEqual([]);
  });

  it("names the field that is wrong", () => {
    expect(parse([{ ...provider, issuer: "http://id.example.com" }])).toThrow(
      "UPSTREAM_OIDC_PROVIDERS[0.issuer]",
    );
    expect(parse([provider, { ...provider, id: "Bad_Id" }])).toThrow("UPSTREAM_OIDC_PROVIDERS[1.id]");
    expect(parse([{ ...provider, client_secret: undefined }])).toThrow("[0.client_secret]");
    expect(parse("{not json")).toThrow("UPSTREAM_OIDC_PROVIDERS is not JSON");
  });

  it("answers 500 on the provider routes with a log line naming the field, and keeps the login page working", async () => {
    const broken = {
      ...env,
      UPSTREAM_OIDC_PROVIDERS: JSON.stringify([{ ...provider, issuer: "http://id.example.com" }]),
    };
    const logged = vi.spyOn(console, "error");
    try {
      const { params } = await clientRequest();
      const response = await sendWith(broken, `/upstream/example/start?${params}`, {
        host: "auth.localhost",
      });
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(await response.text()).not.toContain("issuer");
      expect(logged.mock.calls.flat().join("\n")).toContain("UPSTREAM_OIDC_PROVIDERS[0.issuer]");

      const login = await sendWith(broken, `/authorize?${params}`, { host: "auth.localhost" });
      expect(login.status).toBe(200);
      expect(await login.text()).not.toContain("/upstream/");
    } finally {
      logged.mockRestore();
    }
  });
});

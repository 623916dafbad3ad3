import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { callWorker, expectProblem, TestBrowser } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { followCallback, ISSUER, postToBrand, startSignIn, throughIssuer } from "./brand-auth.testing";
import { sha256Hex } from "./brand-sign-in";
import { safeReturnTo } from "./brandAuth.service";

interface TransactionRow {
  state_hash: string;
  kind: string;
  tenant_id: string;
  client_id: string;
  code_verifier: string;
  nonce: string;
  redirect_uri: string;
  context: string;
  binding_hash: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

const transaction = (stateHash: string) =>
  env.DB.prepare("SELECT * FROM oidc_transaction WHERE state_hash = ?")
    .bind(stateHash)
    .first<TransactionRow>();

describe("POST /v1/auth/oidc/start", () => {
  it("answers the issuer URL for the brand's web client, with PKCE S256, a nonce and the local callback", async () => {
    const browser = new TestBrowser();
    const started = await startSignIn(browser, "pupfanz", { returnTo: "/feed?tab=new" });
    expect(started.expiresIn).toBe(600);
    const url = new URL(started.authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${ISSUER}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: "pupfanz-web",
      redirect_uri: "http://pupfanz.localhost:8787/v1/auth/oidc/callback",
      scope: "openid profile email",
      state: started.state,
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: "S256",
    });
    expect(started.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("stores only hashes of the state and the browser binding, for this brand, for ten minutes", async () => {
    const browser = new TestBrowser();
    const started = await startSignIn(browser, "pupfanz", { returnTo: "/feed?tab=new" });
    const binding = browser.cookie("pupfanz.localhost", "fun_oidc") ?? "";
    expect(binding).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await transaction(await sha256Hex(started.state));
    const url = new URL(started.authorizationUrl);
    expect(row).toMatchObject({
      kind: "brand",
      tenant_id: SEED.tenants.pupfanz.id,
      client_id: "pupfanz-web",
      nonce: url.searchParams.get("nonce"),
      redirect_uri: url.searchParams.get("redirect_uri"),
      binding_hash: await sha256Hex(binding),
      consumed_at: null,
    });
    expect(JSON.parse(row?.context ?? "{}")).toEqual({ returnTo: "/feed?tab=new" });
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBe(600_000);
    // The verifier stays on the server; the issuer sees only its S256 challenge.
    expect(started.authorizationUrl).not.toContain(row?.code_verifier);
    const { results } = await env.DB.prepare(
      "SELECT count(*) AS n FROM oidc_transaction WHERE state_hash = ? OR binding_hash = ?",
    )
      .bind(started.state, binding)
      .all<{ n: number }>();
    expect(results[0]?.n).toBe(0);
  });

  it("binds the sign-in to the browser with an HttpOnly, SameSite=Lax fun_oidc cookie of ten minutes", async () => {
    const response = await postToBrand("girlfanz", "/v1/auth/oidc/start", {});
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const cookie = response.headers.getSetCookie().find((header) => header.startsWith("fun_oidc="));
    expect(cookie).toMatch(/Max-Age=600/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it("passes prompt on to the issuer, and works without a body", async () => {
    const browser = new TestBrowser();
    const silent = await startSignIn(browser, "girlfanz", { prompt: "none" });
    expect(new URL(silent.authorizationUrl).searchParams.get("prompt")).toBe("none");
    const again = await startSignIn(browser, "girlfanz", { prompt: "login" });
    expect(new URL(again.authorizationUrl).searchParams.get("prompt")).toBe("login");
    const bare = await callWorker("/v1/auth/oidc/start", { method: "POST", host: "daddyfanz.localhost" });
    expect(bare.status).toBe(200);
    const { authorizationUrl } = (await bare.json()) as { authorizationUrl: string };
    expect(new URL(authorizationUrl).searchParams.get("client_id")).toBe("daddyfanz-web");
    expect(new URL(authorizationUrl).searchParams.has("prompt")).toBe(false);
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

  it("keeps returnTo on the brand: anything that could leave it comes back as /", async () => {
    const attempts = [
      "//evil.example",
      "https://evil.example/",
      "/\\evil.example",
      "/\t/evil.example",
      "/.//evil.example",
      "/a/..//evil.example",
      "evil",
      "",
    ];
    for (const returnTo of attempts) {
      const browser = new TestBrowser();
      const { authorizationUrl } = await startSignIn(browser, "girlfanz", { returnTo, prompt: "none" });
      // Nobody is signed in on the issuer: it answers login_required, and the brand goes back to returnTo.
      const done = await followCallback(browser, await throughIssuer(browser, authorizationUrl));
      expect(done.status).toBe(303);
      expect(done.headers.get("location"), JSON.stringify(returnTo)).toBe("/?signin=login_required");
    }
  });

  it("refuses unknown fields and prompts", async () => {
    await expectProblem(
      await postToBrand("girlfanz", "/v1/auth/oidc/start", { prompt: "consent" }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await postToBrand("girlfanz", "/v1/auth/oidc/start", { redirectUri: "https://evil.example/cb" }),
      400,
      "validation_failed",
    );
  });

  it("is not served on the auth host", async () => {
    const response = await callWorker("/v1/auth/oidc/start", {
      method: "POST",
      host: "auth.localhost:8787",
      json: {},
    });
    await expectProblem(response, 404, "not_found");
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

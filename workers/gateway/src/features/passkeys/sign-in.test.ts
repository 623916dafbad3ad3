import { env } from "cloudflare:workers";
import { toBase64Url } from "@fun/core";
import { expectProblem, TestBrowser } from "@fun/testing";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { GIRLFANZ_CALLBACK, redeemCode } from "../oauth/oauth.testing";
import {
  authorizeUrl,
  ceremonyOptions,
  ISSUER,
  passkeySignIn,
  personWithPasskey,
  postJson,
  RP_ID,
} from "./passkeys.testing";

const db = () => (env as unknown as { DB: D1Database }).DB;

async function anotherKeyPair() {
  return (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
  ])) as CryptoKeyPair;
}

describe("signing in with a passkey", () => {
  it("signs in without a password; the code redeems for tokens whose amr says hwk, and the browser stays signed in", async () => {
    const { person, key } = await personWithPasskey();
    const { response, pkce, browser } = await passkeySignIn(key);
    expect(response.status).toBe(200);
    const { redirectTo } = (await response.json()) as { redirectTo: string };
    const location = new URL(redirectTo);
    expect(`${location.origin}${location.pathname}`).toBe(GIRLFANZ_CALLBACK);
    expect(location.searchParams.get("state")).toBe("s");
    expect(location.searchParams.get("iss")).toBe(ISSUER);

    const tokens = await redeemCode(location.searchParams.get("code") ?? "", pkce.verifier);
    expect(tokens.status).toBe(200);
    const idToken = decodeJwt(((await tokens.json()) as { id_token: string }).id_token);
    expect(idToken).toMatchObject({ sub: person.id, nonce: "n" });
    expect(idToken.amr).toEqual(expect.arrayContaining(["hwk", "user"]));

    const stored = await db()
      .prepare("SELECT counter, last_used_at FROM passkey WHERE id = ?")
      .bind(key.id)
      .first<{ counter: number; last_used_at: number | null }>();
    expect(stored).toMatchObject({ counter: key.counter });
    expect(stored?.last_used_at).toBeGreaterThan(0);
    // The sign-in started a session on the auth host: the next authorization needs no login page.
    expect((await browser.fetch((await authorizeUrl()).url)).status).toBe(302);
  });

  it("offers discoverable sign-in: no allowCredentials, a challenge kept server-side", async () => {
    const { challengeId, options } = await ceremonyOptions(new TestBrowser(), "authentication");
    expect(challengeId).toMatch(/^wch_/);
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options).toMatchObject({ rpId: RP_ID, userVerification: "preferred" });
  });

  it("refuses clientData from another origin, and an authenticator data for another RP ID", async () => {
    const { key } = await personWithPasskey();
    await expectProblem(
      (await passkeySignIn(key, { origin: "http://evil.localhost" })).response,
      401,
      "unauthenticated",
    );
    await expectProblem(
      (await passkeySignIn(key, { rpId: "evil.localhost" })).response,
      401,
      "unauthenticated",
    );
    expect((await passkeySignIn(key)).response.status).toBe(200);
  });

  it("refuses a signature by another key", async () => {
    const { key } = await personWithPasskey();
    const stranger = await anotherKeyPair();
    await expectProblem(
      (await passkeySignIn(key, { signer: stranger.privateKey })).response,
      401,
      "unauthenticated",
    );
  });

  it("refuses a replayed challenge and an expired one", async () => {
    const { key } = await personWithPasskey();
    const first = await passkeySignIn(key);
    expect(first.response.status).toBe(200);
    await expectProblem(await first.again(), 400, "bad_request");

    const browser = new TestBrowser();
    const { params } = await authorizeUrl();
    const { challengeId, options } = await ceremonyOptions(browser, "authentication");
    await db()
      .prepare("UPDATE webauthn_challenge SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, challengeId)
      .run();
    const expired = await postJson(browser, "/webauthn/authentication/verify", {
      challengeId,
      response: await key.assert(options, ISSUER, RP_ID),
      authorization: Object.fromEntries(params),
    });
    await expectProblem(expired, 400, "bad_request");
  });

  it("refuses a signature counter that did not increase: a cloned key", async () => {
    const { key } = await personWithPasskey();
    expect((await passkeySignIn(key, { counter: 50 })).response.status).toBe(200);
    await expectProblem((await passkeySignIn(key, { counter: 50 })).response, 401, "unauthenticated");
    await expectProblem((await passkeySignIn(key, { counter: 10 })).response, 401, "unauthenticated");
    expect((await passkeySignIn(key, { counter: 51 })).response.status).toBe(200);
  });

  it("refuses a disabled account, and a user handle that names another account", async () => {
    const disabled = await personWithPasskey();
    await db().prepare("UPDATE account SET status = 'disabled' WHERE id = ?").bind(disabled.person.id).run();
    await expectProblem((await passkeySignIn(disabled.key)).response, 401, "unauthenticated");

    const { key } = await personWithPasskey();
    const userHandle = toBase64Url(new TextEncoder().encode(disabled.person.id));
    await expectProblem((await passkeySignIn(key, { userHandle })).response, 401, "unauthenticated");
  });

  it("refuses an authorization request that is not valid", async () => {
    const { key } = await personWithPasskey();
    const { body, browser } = await passkeySignIn(key);
    const tampered = {
      ...body,
      authorization: { ...body.authorization, redirect_uri: "https://evil.example/cb" },
    };
    await expectProblem(
      await postJson(browser, "/webauthn/authentication/verify", tampered),
      400,
      "bad_request",
    );
  });

  it("answers only the auth host's own pages: another Origin or none, or a body that is not JSON, is refused", async () => {
    const browser = new TestBrowser();
    for (const path of ["/webauthn/authentication/options", "/webauthn/authentication/verify"]) {
      await expectProblem(
        await postJson(browser, path, {}, { origin: "http://evil.localhost" }),
        403,
        "forbidden",
      );
      await expectProblem(await postJson(browser, path, {}, { origin: "null" }), 403, "forbidden");
      const noOrigin = await browser.fetch(`${ISSUER}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      await expectProblem(noOrigin, 403, "forbidden");
      const form = await browser.fetch(`${ISSUER}${path}`, {
        method: "POST",
        headers: { "content-type": "text/plain", origin: ISSUER },
        body: "{}",
      });
      await expectProblem(form, 403, "forbidden");
    }
  });

  it("does not exist on a brand's host", async () => {
    const response = await postJson(
      new TestBrowser(),
      "/webauthn/authentication/options",
      {},
      { origin: "http://girlfanz.localhost:8787" },
      "http://girlfanz.localhost:8787",
    );
    await expectProblem(response, 404, "not_found");
  });
});

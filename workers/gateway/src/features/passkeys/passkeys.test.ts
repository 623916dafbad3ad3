import { env } from "cloudflare:workers";
import {
  callWorker,
  expectProblem,
  formFields,
  newPerson,
  PERSON_PASSWORD,
  pkcePair,
  TestBrowser,
} from "@fun/testing";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "./software-authenticator.testing";

const ISSUER = "http://auth.localhost:8787";
const ORIGIN = ISSUER;
const RP_ID = "auth.localhost";
const CALLBACK = "http://girlfanz.localhost:8787/v1/auth/oidc/callback";
let ip = 0;

async function authorizeUrl() {
  const pkce = await pkcePair();
  const params = new URLSearchParams({
    response_type: "code",
    client_id: "girlfanz-web",
    redirect_uri: CALLBACK,
    scope: "openid profile",
    state: "s",
    nonce: "n",
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
  });
  return { url: `${ISSUER}/authorize?${params}`, params, pkce };
}

function postJson(browser: TestBrowser, path: string, body: unknown, origin = ORIGIN) {
  return browser.fetch(`${ISSUER}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify(body),
  });
}

/** A person signed in with a password on the auth host, holding a registered passkey. */
async function withPasskey() {
  const person = await newPerson();
  const browser = new TestBrowser();
  const { url } = await authorizeUrl();
  const page = await browser.fetch(url);
  const fields = formFields(await page.text()).map(([n, v]): [string, string] => [
    n,
    n === "email" ? person.email : n === "password" ? PERSON_PASSWORD : v,
  ]);
  expect(
    (await browser.postForm(`${ISSUER}/authorize`, fields, { "cf-connecting-ip": `198.18.0.${++ip}` }))
      .status,
  ).toBe(303);
  const key = await SoftwareAuthenticator.create();
  const options = (await (await postJson(browser, "/webauthn/registration/options", {})).json()) as {
    challengeId: string;
    options: { challenge: string };
  };
  const registered = await postJson(browser, "/webauthn/registration/verify", {
    challengeId: options.challengeId,
    response: await key.register(options.options, ORIGIN, RP_ID),
    name: "Test key",
  });
  expect(registered.status).toBe(201);
  return { person, browser, key };
}

/** Signs in with the passkey in a fresh browser; answers the verify response. */
async function passkeySignIn(
  key: SoftwareAuthenticator,
  tweak: Parameters<SoftwareAuthenticator["assert"]>[3] & { origin?: string; rpId?: string } = {},
) {
  const browser = new TestBrowser();
  const { url, params, pkce } = await authorizeUrl();
  await browser.fetch(url);
  const options = (await (await postJson(browser, "/webauthn/authentication/options", {})).json()) as {
    challengeId: string;
    options: { challenge: string };
  };
  const response = await key.assert(options.options, tweak.origin ?? ORIGIN, tweak.rpId ?? RP_ID, tweak);
  const verify = () =>
    postJson(browser, "/webauthn/authentication/verify", {
      challengeId: options.challengeId,
      response,
      authorization: Object.fromEntries(params),
    });
  return { response: await verify(), again: verify, pkce, browser };
}

describe("passkeys", () => {
  it("registers for a signed-in person, then signs in without a password and the code redeems", async () => {
    const { person, key } = await withPasskey();
    const { response, pkce } = await passkeySignIn(key);
    expect(response.status).toBe(200);
    const { redirectTo } = (await response.json()) as { redirectTo: string };
    const code = new URL(redirectTo).searchParams.get("code") ?? "";
    const tokens = await callWorker("/token", {
      method: "POST",
      host: "auth.localhost",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: "girlfanz-web",
        code,
        redirect_uri: CALLBACK,
        code_verifier: pkce.verifier,
      }).toString(),
    });
    expect(tokens.status).toBe(200);
    const idToken = decodeJwt(((await tokens.json()) as { id_token: string }).id_token);
    expect(idToken).toMatchObject({ sub: person.id });
    expect(idToken.amr).toContain("hwk");
  });

  it("refuses another origin, another RP, another key, a replayed challenge and a counter that went back", async () => {
    const { key } = await withPasskey();
    expect((await passkeySignIn(key, { origin: "http://evil.localhost" })).response.status).toBe(401);
    expect((await passkeySignIn(key, { rpId: "evil.localhost" })).response.status).toBe(401);
    const stranger = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
    ])) as CryptoKeyPair;
    expect((await passkeySignIn(key, { signer: stranger.privateKey })).response.status).toBe(401);
    const ok = await passkeySignIn(key, { counter: 50 });
    expect(ok.response.status).toBe(200);
    await expectProblem(await ok.again(), 400, "bad_request");
    expect((await passkeySignIn(key, { counter: 10 })).response.status).toBe(401);
  });

  it("refuses a disabled account", async () => {
    const { person, key } = await withPasskey();
    await env.DB.prepare("UPDATE account SET status = 'disabled' WHERE id = ?").bind(person.id).run();
    expect((await passkeySignIn(key)).response.status).toBe(401);
  });

  it("registers only for a signed-in browser, from the auth host's own pages, once per key", async () => {
    await expectProblem(
      await postJson(new TestBrowser(), "/webauthn/registration/options", {}),
      401,
      "unauthenticated",
    );
    const { browser, key } = await withPasskey();
    await expectProblem(
      await postJson(browser, "/webauthn/registration/options", {}, "http://evil.localhost"),
      403,
      "forbidden",
    );
    const options = (await (await postJson(browser, "/webauthn/registration/options", {})).json()) as {
      challengeId: string;
      options: { challenge: string; excludeCredentials: { id: string }[] };
    };
    expect(options.options.excludeCredentials.map((c) => c.id)).toEqual([key.id]);
    const again = await postJson(browser, "/webauthn/registration/verify", {
      challengeId: options.challengeId,
      response: await key.register(options.options, ORIGIN, RP_ID),
    });
    await expectProblem(again, 409, "conflict");
  });

  it("lists the signed-in person's passkeys on a page with an add button, and asks others to sign in", async () => {
    const { browser } = await withPasskey();
    const page = await browser.fetch(`${ISSUER}/account/passkeys`);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain("Test key");
    expect(text).toContain('id="add-passkey"');
    expect((await new TestBrowser().fetch(`${ISSUER}/account/passkeys`)).status).toBe(401);
  });

  it("shows a passkey button on the login page, its script under the page's CSP nonce", async () => {
    const response = await new TestBrowser().fetch((await authorizeUrl()).url);
    const page = await response.text();
    expect(page).toContain('id="passkey-sign-in"');
    const nonce = /script-src 'nonce-([^']+)'/.exec(
      response.headers.get("content-security-policy") ?? "",
    )?.[1];
    expect(nonce).toBeTruthy();
    expect(page).toContain(`<script nonce="${nonce}">`);
  });
});

import { formFields, newPerson, PERSON_PASSWORD, pkcePair, TestBrowser, type TestPerson } from "@fun/testing";
import { expect } from "vitest";
import { GIRLFANZ_CALLBACK } from "../oauth/oauth.testing";
import { SoftwareAuthenticator } from "./software-authenticator.testing";

export const ISSUER = "http://auth.localhost:8787";
export const RP_ID = "auth.localhost";

export interface CeremonyOptionsJson {
  challengeId: string;
  options: {
    challenge: string;
    user?: { id: string };
    excludeCredentials?: { id: string }[];
    allowCredentials?: unknown[];
  };
}

/** A fresh authorization request from the girlfanz web client, with its PKCE verifier. */
export async function authorizeUrl() {
  const pkce = await pkcePair();
  const params = new URLSearchParams({
    response_type: "code",
    client_id: "girlfanz-web",
    redirect_uri: GIRLFANZ_CALLBACK,
    scope: "openid profile",
    state: "s",
    nonce: "n",
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
  });
  return { url: `${ISSUER}/authorize?${params}`, params, pkce };
}

/** A JSON post as the auth host's own page script makes it (the browser adds the Origin). */
export function postJson(
  browser: TestBrowser,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  base = ISSUER,
) {
  return browser.fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ISSUER, ...headers },
    body: JSON.stringify(body),
  });
}

export async function ceremonyOptions(browser: TestBrowser, ceremony: "registration" | "authentication") {
  const response = await postJson(browser, `/webauthn/${ceremony}/options`, {});
  expect(response.status).toBe(200);
  return (await response.json()) as CeremonyOptionsJson;
}

let ip = 0;

/** A browser where `person` has signed in on the auth host with their password. */
export async function signedInBrowser(person: TestPerson): Promise<TestBrowser> {
  const browser = new TestBrowser();
  const page = await browser.fetch((await authorizeUrl()).url);
  const fields = formFields(await page.text()).map(([name, value]): [string, string] => [
    name,
    name === "email" ? person.email : name === "password" ? PERSON_PASSWORD : value,
  ]);
  // Sign-ins are throttled per IP: each gets its own address.
  const signedIn = await browser.postForm(`${ISSUER}/authorize`, fields, {
    "cf-connecting-ip": `198.18.${Math.floor(++ip / 250)}.${ip % 250}`,
  });
  expect(signedIn.status).toBe(303);
  return browser;
}

/** Registers a new software passkey from `browser`; answers the verify response. */
export async function registerPasskey(browser: TestBrowser, key: SoftwareAuthenticator, name?: string) {
  const { challengeId, options } = await ceremonyOptions(browser, "registration");
  return postJson(browser, "/webauthn/registration/verify", {
    challengeId,
    response: await key.register(options, ISSUER, RP_ID),
    ...(name === undefined ? {} : { name }),
  });
}

/** A new person signed in with a password on the auth host, holding a registered passkey. */
export async function personWithPasskey() {
  const person = await newPerson({ label: "passkey" });
  const browser = await signedInBrowser(person);
  const key = await SoftwareAuthenticator.create();
  expect((await registerPasskey(browser, key, "Test key")).status).toBe(201);
  return { person, browser, key };
}

export type AssertionTweaks = Parameters<SoftwareAuthenticator["assert"]>[3] & {
  origin?: string;
  rpId?: string;
};

/** The login form's hidden authorization fields, as the page script collects them (no CSRF token). */
export function loginFormAuthorization(page: string): Record<string, string> {
  const visible = new Set(["csrf_token", "email", "password"]);
  return Object.fromEntries(formFields(page).filter(([name]) => !visible.has(name)));
}

/**
 * Signs in with `key` in a fresh browser the way the login page's script does: the login page,
 * options, the assertion, then verify with the form's authorization fields. `again` posts the same
 * assertion a second time.
 */
export async function passkeySignIn(key: SoftwareAuthenticator, tweaks: AssertionTweaks = {}) {
  const browser = new TestBrowser();
  const { url, pkce } = await authorizeUrl();
  const authorization = loginFormAuthorization(await (await browser.fetch(url)).text());
  const { challengeId, options } = await ceremonyOptions(browser, "authentication");
  const response = await key.assert(options, tweaks.origin ?? ISSUER, tweaks.rpId ?? RP_ID, tweaks);
  const body = { challengeId, response, authorization };
  const verify = () => postJson(browser, "/webauthn/authentication/verify", body);
  return { response: await verify(), again: verify, challengeId, body, browser, pkce, url };
}

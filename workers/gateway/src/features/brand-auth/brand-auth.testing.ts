import {
  callBrand,
  formFields,
  newPerson,
  PERSON_PASSWORD,
  TestBrowser,
  type TestPerson,
} from "@fun/testing";
import { expect } from "vitest";

export const ISSUER = "http://auth.localhost:8787";

export interface BrandTokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface StartAnswer {
  authorizationUrl: string;
  state: string;
  expiresIn: number;
}

/** `POST /v1/auth/oidc/start` on a brand from `browser`, as the brand's web pages call it. */
export async function startSignIn(
  browser: TestBrowser,
  brand: string,
  body: Record<string, unknown> = {},
): Promise<StartAnswer> {
  const response = await browser.fetch(`http://${brand}.localhost/v1/auth/oidc/start`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as StartAnswer;
}

let ip = 0;

/**
 * Follows the issuer URL in the browser, filling in the login form when the issuer shows one (a
 * new IP each time: sign-ins are limited per IP); answers where the issuer sent the browser.
 */
export async function throughIssuer(
  browser: TestBrowser,
  authorizationUrl: string,
  person?: TestPerson,
): Promise<URL> {
  const first = await browser.fetch(authorizationUrl);
  if (first.status === 302 || first.status === 303) return new URL(first.headers.get("location") ?? "");
  expect(first.status).toBe(200);
  if (!person) throw new Error("the issuer asked for a password");
  const fields = formFields(await first.text()).map(([name, value]): [string, string] => [
    name,
    name === "email" ? person.email : name === "password" ? PERSON_PASSWORD : value,
  ]);
  const posted = await browser.postForm(`${ISSUER}/authorize`, fields, {
    "cf-connecting-ip": `192.0.2.${(++ip % 250) + 1}`,
  });
  expect(posted.status).toBe(303);
  return new URL(posted.headers.get("location") ?? "");
}

/** The browser hitting the callback URL the issuer sent it to, on the brand's host. */
export function followCallback(browser: TestBrowser, callback: URL): Promise<Response> {
  return browser.fetch(`http://${callback.hostname}${callback.pathname}${callback.search}`);
}

/** `person` signing in on a brand in a new browser (a device of theirs), through the issuer's form. */
export async function signedInAs(
  person: TestPerson,
  brand = "girlfanz",
  browser = new TestBrowser(),
): Promise<{ person: TestPerson; browser: TestBrowser }> {
  const { authorizationUrl } = await startSignIn(browser, brand);
  const done = await followCallback(browser, await throughIssuer(browser, authorizationUrl, person));
  expect(done.status).toBe(303);
  expect(browser.cookie(`${brand}.localhost`, "fun_session")).toBeTruthy();
  return { person, browser };
}

/** A new person signed in on a brand the way its web pages do it: answers the browser and who. */
export async function signedIn(brand = "girlfanz"): Promise<{ person: TestPerson; browser: TestBrowser }> {
  return signedInAs(await newPerson(), brand);
}

/** `POST /v1/auth/token` from the browser with only its fun_session cookie, as the web pages refresh. */
export function refreshFromCookie(browser: TestBrowser, brand = "girlfanz"): Promise<Response> {
  return browser.fetch(`http://${brand}.localhost/v1/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "refresh_token" }),
  });
}

/** Fresh tokens of a signed-in browser on a brand. */
export async function tokensOf(browser: TestBrowser, brand = "girlfanz"): Promise<BrandTokens> {
  const response = await refreshFromCookie(browser, brand);
  expect(response.status).toBe(200);
  return (await response.json()) as BrandTokens;
}

/** A JSON post to a brand's API, with extra headers (a cookie, a bearer). */
export function postToBrand(
  brand: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return callBrand("POST", path, headers, body, brand);
}

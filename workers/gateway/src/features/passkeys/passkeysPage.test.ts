import { expectProblem, TestBrowser } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { authorizeUrl, ISSUER, personWithPasskey } from "./passkeys.testing";

/** The page's CSP nonce, and whether every script on the page carries it. */
async function scriptNonce(response: Response) {
  const page = await response.text();
  const nonce = /script-src 'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1];
  const scripts = [...page.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
  return { page, nonce, scripts };
}

describe("passkey pages", () => {
  it("lists the signed-in person's passkeys with an add button and its script under the CSP nonce", async () => {
    const { browser } = await personWithPasskey();
    const response = await browser.fetch(`${ISSUER}/account/passkeys`);
    expect(response.status).toBe(200);
    const { page, nonce, scripts } = await scriptNonce(response);
    expect(page).toContain("Test key");
    expect(page).toContain('id="add-passkey"');
    expect(page).toContain("/webauthn/registration/options");
    expect(nonce).toBeTruthy();
    expect(scripts).toEqual([` nonce="${nonce}"`]);
  });

  it("answers 401 with an explanation when nobody is signed in, and does not exist on a brand's host", async () => {
    const signedOut = await new TestBrowser().fetch(`${ISSUER}/account/passkeys`);
    expect(signedOut.status).toBe(401);
    expect(await signedOut.text()).toContain("Sign in to a FUN brand in this browser first");
    await expectProblem(
      await new TestBrowser().fetch("http://girlfanz.localhost:8787/account/passkeys"),
      404,
      "not_found",
    );
  });

  it("shows a passkey button on the login page, its script under the page's CSP nonce", async () => {
    const response = await new TestBrowser().fetch((await authorizeUrl()).url);
    expect(response.status).toBe(200);
    const { page, nonce, scripts } = await scriptNonce(response);
    expect(page).toContain('id="passkey-sign-in"');
    expect(page).toContain("/webauthn/authentication/verify");
    expect(nonce).toBeTruthy();
    expect(scripts).toEqual([` nonce="${nonce}"`]);
    // The password form works without the script.
    expect(page).toContain('<form method="post" action="/authorize">');
  });
});

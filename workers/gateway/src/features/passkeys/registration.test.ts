import { env } from "cloudflare:workers";
import { expectProblem, newPerson, TestBrowser } from "@fun/testing";
import { describe, expect, it } from "vitest";
import {
  ceremonyOptions,
  ISSUER,
  personWithPasskey,
  postJson,
  RP_ID,
  registerPasskey,
  signedInBrowser,
} from "./passkeys.testing";
import { SoftwareAuthenticator } from "./software-authenticator.testing";

const db = () => (env as unknown as { DB: D1Database }).DB;

describe("adding a passkey", () => {
  it("stores a discoverable passkey for the signed-in account under the name given", async () => {
    const person = await newPerson({ label: "register" });
    const browser = await signedInBrowser(person);
    const { challengeId, options } = await ceremonyOptions(browser, "registration");
    expect(options).toMatchObject({
      rp: { name: "FUN", id: RP_ID },
      user: { name: person.email },
      attestation: "none",
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    expect(atob((options.user?.id ?? "").replace(/-/g, "+").replace(/_/g, "/"))).toBe(person.id);

    const key = await SoftwareAuthenticator.create();
    const registered = await postJson(browser, "/webauthn/registration/verify", {
      challengeId,
      response: await key.register(options, ISSUER, RP_ID),
      name: "Laptop",
    });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toEqual({ id: key.id });
    const stored = await db()
      .prepare("SELECT account_id, name, counter, transports FROM passkey WHERE id = ?")
      .bind(key.id)
      .first();
    expect(stored).toEqual({ account_id: person.id, name: "Laptop", counter: 0, transports: '["internal"]' });
  });

  it("refuses without a signed-in session on the auth host", async () => {
    const browser = new TestBrowser();
    await expectProblem(
      await postJson(browser, "/webauthn/registration/options", {}),
      401,
      "unauthenticated",
    );
    const key = await SoftwareAuthenticator.create();
    const response = await postJson(browser, "/webauthn/registration/verify", {
      challengeId: "wch_01JD3S7ZQ8V2C4K6M9N1P5R7T3",
      response: await key.register({ challenge: "AAAA" }, ISSUER, RP_ID),
    });
    await expectProblem(response, 401, "unauthenticated");
  });

  it("refuses calls from another site, even with the session cookie", async () => {
    const { browser } = await personWithPasskey();
    for (const path of ["/webauthn/registration/options", "/webauthn/registration/verify"]) {
      await expectProblem(
        await postJson(browser, path, {}, { origin: "http://evil.localhost" }),
        403,
        "forbidden",
      );
      const form = await browser.fetch(`${ISSUER}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: ISSUER },
        body: "a=b",
      });
      await expectProblem(form, 403, "forbidden");
    }
  });

  it("refuses the same credential twice, and lists it among those to exclude", async () => {
    const { browser, key } = await personWithPasskey();
    const { challengeId, options } = await ceremonyOptions(browser, "registration");
    expect(options.excludeCredentials?.map((credential) => credential.id)).toEqual([key.id]);
    const again = await postJson(browser, "/webauthn/registration/verify", {
      challengeId,
      response: await key.register(options, ISSUER, RP_ID),
    });
    await expectProblem(again, 409, "conflict");
    // Someone else cannot claim that credential either.
    const other = await signedInBrowser(await newPerson({ label: "register" }));
    await expectProblem(await registerPasskey(other, key), 409, "conflict");
  });

  it("refuses another account's challenge, a used one, and clientData from another origin", async () => {
    const first = await signedInBrowser(await newPerson({ label: "register" }));
    const second = await signedInBrowser(await newPerson({ label: "register" }));
    const key = await SoftwareAuthenticator.create();
    const { challengeId, options } = await ceremonyOptions(first, "registration");
    const response = await key.register(options, ISSUER, RP_ID);
    await expectProblem(
      await postJson(second, "/webauthn/registration/verify", { challengeId, response }),
      400,
      "bad_request",
    );
    expect((await postJson(first, "/webauthn/registration/verify", { challengeId, response })).status).toBe(
      201,
    );
    await expectProblem(
      await postJson(first, "/webauthn/registration/verify", { challengeId, response }),
      400,
      "bad_request",
    );

    const fresh = await ceremonyOptions(second, "registration");
    const elsewhere = await postJson(second, "/webauthn/registration/verify", {
      challengeId: fresh.challengeId,
      response: await (await SoftwareAuthenticator.create()).register(
        fresh.options,
        "http://evil.localhost",
        RP_ID,
      ),
    });
    await expectProblem(elsewhere, 400, "bad_request");
  });
});

import { bearer, callWorker, expectProblem, TestBrowser } from "@fun/testing";
import { describe, expect, it } from "vitest";
import {
  followCallback,
  signedIn,
  signedInAs,
  startSignIn,
  throughIssuer,
  tokensOf,
} from "../brand-auth/brand-auth.testing";

type Listed = { sessions: { id: string; current: boolean; userAgent: string | null }[] };

describe("GET /v1/sessions", () => {
  it("lists every device of the account, newest first, and marks the caller's", async () => {
    const { person, browser: laptop } = await signedIn();
    // The same person signs in on a second device.
    const { browser: phone } = await signedInAs(person, "girlfanz", new TestBrowser("phone-browser"));

    const fromLaptop = await tokensOf(laptop);
    const response = await callWorker("/v1/sessions", { headers: bearer(fromLaptop.access_token) });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const { sessions } = (await response.json()) as Listed;
    expect(sessions.map(({ userAgent, current }) => ({ userAgent, current }))).toEqual([
      { userAgent: "phone-browser", current: false },
      { userAgent: "vitest-browser", current: true },
    ]);

    const fromPhone = await tokensOf(phone);
    const seenFromPhone = (await (
      await callWorker("/v1/sessions", { headers: bearer(fromPhone.access_token) })
    ).json()) as Listed;
    expect(seenFromPhone.sessions.map((session) => session.current)).toEqual([true, false]);
  });

  it("shows one session for a sign-in that hopped to another brand", async () => {
    const { browser } = await signedIn("girlfanz");
    const { authorizationUrl } = await startSignIn(browser, "pupfanz", { prompt: "none" });
    await followCallback(browser, await throughIssuer(browser, authorizationUrl));
    const pup = await tokensOf(browser, "pupfanz");
    const { sessions } = (await (
      await callWorker("/v1/sessions", { host: "pupfanz.localhost", headers: bearer(pup.access_token) })
    ).json()) as Listed;
    expect(sessions).toEqual([expect.objectContaining({ current: true })]);
  });

  it("refuses anonymous callers and other brands' tokens", async () => {
    const { browser } = await signedIn();
    const { access_token } = await tokensOf(browser);
    await expectProblem(await callWorker("/v1/sessions"), 401, "unauthenticated");
    await expectProblem(
      await callWorker("/v1/sessions", { host: "daddyfanz.localhost", headers: bearer(access_token) }),
      401,
      "unauthenticated",
    );
  });
});

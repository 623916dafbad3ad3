import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import {
  postToBrand,
  refreshFromCookie,
  signedIn,
  signedInAs,
  tokensOf,
} from "../brand-auth/brand-auth.testing";

async function currentSessionId(token: string, brand = "girlfanz"): Promise<string> {
  const response = await callWorker("/v1/sessions/current", {
    host: `${brand}.localhost`,
    headers: bearer(token),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

describe("POST /v1/sessions/revoke", () => {
  it("revoking the current session stops its refresh tokens on every brand", async () => {
    const { browser } = await signedIn("girlfanz");
    const girl = await tokensOf(browser, "girlfanz");
    const exchanged = await postToBrand("pupfanz", "/v1/auth/token/exchange", {
      subjectToken: girl.access_token,
    });
    const pupRefresh = ((await exchanged.json()) as { refresh_token: string }).refresh_token;
    const sessionId = await currentSessionId(girl.access_token);

    const revoked = await postToBrand(
      "girlfanz",
      "/v1/sessions/revoke",
      { sessionId },
      bearer(girl.access_token),
    );
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ revoked: 1 });

    await expectProblem(await refreshFromCookie(browser, "girlfanz"), 400, "invalid_grant");
    await expectProblem(
      await postToBrand("pupfanz", "/v1/auth/token", {
        grant_type: "refresh_token",
        refreshToken: pupRefresh,
      }),
      400,
      "invalid_grant",
    );
    await expectProblem(
      await callWorker("/v1/sessions/current", { headers: bearer(girl.access_token) }),
      404,
      "not_found",
    );
    // Already ended: a second revocation finds nothing.
    await expectProblem(
      await postToBrand("girlfanz", "/v1/sessions/revoke", { sessionId }, bearer(girl.access_token)),
      404,
      "not_found",
    );
  });

  it("{all: true} ends every session of the account", async () => {
    const { person, browser } = await signedIn();
    const first = await tokensOf(browser);
    // A second device of the same person, via the issuer's form again.
    const { browser: second } = await signedInAs(person);
    const all = await postToBrand(
      "girlfanz",
      "/v1/sessions/revoke",
      { all: true },
      bearer(first.access_token),
    );
    expect(await all.json()).toEqual({ revoked: 2 });
    await expectProblem(await refreshFromCookie(browser), 400, "invalid_grant");
    await expectProblem(await refreshFromCookie(second), 400, "invalid_grant");
    const { sessions } = (await (
      await callWorker("/v1/sessions", { headers: bearer(first.access_token) })
    ).json()) as { sessions: unknown[] };
    expect(sessions).toEqual([]);
  });

  it("a person cannot end another person's session: 404, and it stays live", async () => {
    const victim = await signedIn();
    const victimTokens = await tokensOf(victim.browser);
    const sessionId = await currentSessionId(victimTokens.access_token);
    const attacker = await accessToken({ accountId: SEED.accounts.fan.id });
    await expectProblem(
      await postToBrand("girlfanz", "/v1/sessions/revoke", { sessionId }, bearer(attacker)),
      404,
      "not_found",
    );
    expect(await currentSessionId(victimTokens.access_token)).toBe(sessionId);
    expect((await refreshFromCookie(victim.browser)).status).toBe(200);
  });

  it("the body names one session or all, not both or neither", async () => {
    const { browser } = await signedIn();
    const { access_token } = await tokensOf(browser);
    for (const body of [{}, { all: true, sessionId: "x" }, { all: false }, { sessionId: "" }]) {
      await expectProblem(
        await postToBrand("girlfanz", "/v1/sessions/revoke", body, bearer(access_token)),
        400,
        "validation_failed",
      );
    }
    expect((await refreshFromCookie(browser)).status).toBe(200);
  });

  it("refuses anonymous callers and other brands' tokens", async () => {
    const { browser } = await signedIn();
    const { access_token } = await tokensOf(browser);
    await expectProblem(
      await postToBrand("girlfanz", "/v1/sessions/revoke", { all: true }),
      401,
      "unauthenticated",
    );
    await expectProblem(
      await postToBrand("pupfanz", "/v1/sessions/revoke", { all: true }, bearer(access_token)),
      401,
      "unauthenticated",
    );
    expect((await refreshFromCookie(browser)).status).toBe(200);
  });
});

import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { signedIn, tokensOf } from "../brand-auth/brand-auth.testing";

describe("GET /v1/sessions/current", () => {
  it("describes the token's sign-in session", async () => {
    const before = Date.now();
    const { browser } = await signedIn();
    const { access_token } = await tokensOf(browser);
    const response = await callWorker("/v1/sessions/current", { headers: bearer(access_token) });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const session = (await response.json()) as Record<string, unknown>;
    expect(session).toEqual({
      id: expect.stringMatching(/^ses_/),
      createdAt: expect.any(String),
      lastSeenAt: expect.any(String),
      userAgent: "vitest-browser",
      ip: expect.stringMatching(/^192\.0\.2\./),
      authTime: expect.any(String),
      amr: ["pwd"],
      current: true,
    });
    expect(Date.parse(String(session.createdAt))).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(String(session.lastSeenAt))).toBeGreaterThanOrEqual(
      Date.parse(String(session.createdAt)),
    );
  });

  it("is a 404 for a token without a session, or whose session ended", async () => {
    const sessionless = await accessToken({ accountId: SEED.accounts.creator.id });
    await expectProblem(
      await callWorker("/v1/sessions/current", { headers: bearer(sessionless) }),
      404,
      "not_found",
    );
    const gone = await accessToken({
      accountId: SEED.accounts.creator.id,
      sessionId: "ses_NOSUCHSESSION000000000000",
    });
    await expectProblem(
      await callWorker("/v1/sessions/current", { headers: bearer(gone) }),
      404,
      "not_found",
    );
  });

  it("refuses anonymous callers, other brands' tokens and the auth host", async () => {
    const { browser } = await signedIn();
    const { access_token } = await tokensOf(browser);
    await expectProblem(await callWorker("/v1/sessions/current"), 401, "unauthenticated");
    await expectProblem(
      await callWorker("/v1/sessions/current", { host: "pupfanz.localhost", headers: bearer(access_token) }),
      401,
      "unauthenticated",
    );
    await expectProblem(
      await callWorker("/v1/sessions/current", {
        host: "auth.localhost:8787",
        headers: bearer(access_token),
      }),
      404,
      "not_found",
    );
  });
});

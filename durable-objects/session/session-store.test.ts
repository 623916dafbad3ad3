import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { toBase64Url, toHex } from "@fun/core";
import { describe, expect, it } from "vitest";
import { REUSE_GRACE_MS, type SessionStore } from "./session-store";

const sessions = (env as unknown as { SESSIONS: DurableObjectNamespace<SessionStore> }).SESSIONS;
let accounts = 0;

/** A store for a fresh account, with one session and one refresh family. */
async function signedIn(now = Date.now()) {
  const store = sessions.get(sessions.idFromName(`acc_test_${++accounts}`));
  const sessionId = await store.createSession({ userAgent: "vitest", ip: "127.0.0.1", now });
  const issued = await store.issueRefreshToken({
    sessionId,
    clientId: "girlfanz-web",
    tenantId: "ten_girlfanz",
    scope: "openid profile",
    now,
  });
  return { store, sessionId, issued, now };
}

describe("the session store", () => {
  it("rotates a refresh token: the new one works and carries the grant", async () => {
    const { store, sessionId, issued, now } = await signedIn();
    const result = await store.rotateRefreshToken(issued.token, {
      clientId: "girlfanz-web",
      now: now + 1_000,
    });
    expect(result).toMatchObject({
      ok: true,
      grant: {
        sessionId,
        clientId: "girlfanz-web",
        tenantId: "ten_girlfanz",
        scope: "openid profile",
        familyId: issued.familyId,
      },
    });
    if (!result.ok) throw new Error("unreachable");
    expect(result.grant.token).not.toBe(issued.token);
    const again = await store.rotateRefreshToken(result.grant.token, {
      clientId: "girlfanz-web",
      now: now + 2_000,
    });
    expect(again.ok).toBe(true);
  });

  it("lets two tabs refresh with the same token inside the grace window", async () => {
    const { store, issued, now } = await signedIn();
    const first = await store.rotateRefreshToken(issued.token, {
      clientId: "girlfanz-web",
      now: now + 1_000,
    });
    const second = await store.rotateRefreshToken(issued.token, {
      clientId: "girlfanz-web",
      now: now + 2_000,
    });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) throw new Error("unreachable");
    expect(first.grant.token).not.toBe(second.grant.token);
  });

  it("treats a replay after the grace window as theft and revokes the whole family", async () => {
    const { store, issued, now } = await signedIn();
    const rotated = await store.rotateRefreshToken(issued.token, {
      clientId: "girlfanz-web",
      now: now + 1_000,
    });
    if (!rotated.ok) throw new Error("rotation failed");
    const replay = await store.rotateRefreshToken(issued.token, {
      clientId: "girlfanz-web",
      now: now + 1_000 + REUSE_GRACE_MS + 1,
    });
    expect(replay).toEqual({ ok: false, reason: "reused" });
    expect(await store.familyRevocation(issued.familyId)).toBe("reuse detected");
    // The legitimate holder's newer token dies with the family.
    const newer = await store.rotateRefreshToken(rotated.grant.token, {
      clientId: "girlfanz-web",
      now: now + 40_000,
    });
    expect(newer).toEqual({ ok: false, reason: "revoked" });
  });

  it("refuses an unknown token, another client's token and an expired token", async () => {
    const { store, issued, now } = await signedIn();
    expect(await store.rotateRefreshToken("not-a-token", { clientId: "girlfanz-web", now })).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await store.rotateRefreshToken(issued.token, { clientId: "pupfanz-web", now })).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(
      await store.rotateRefreshToken(issued.token, { clientId: "girlfanz-web", now: issued.expiresAt + 1 }),
    ).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("signs a session out, so its tokens stop working and it leaves the device list", async () => {
    const { store, sessionId, issued, now } = await signedIn();
    const other = await store.createSession({ userAgent: "phone", now: now + 1 });
    expect((await store.listSessions()).map((s) => s.id).sort()).toEqual([other, sessionId].sort());
    expect(await store.revokeSession(sessionId, now + 10)).toBe(true);
    expect((await store.listSessions()).map((s) => s.id)).toEqual([other]);
    expect(await store.rotateRefreshToken(issued.token, { clientId: "girlfanz-web", now: now + 20 })).toEqual(
      {
        ok: false,
        reason: "revoked",
      },
    );
    expect(await store.revokeAll(now + 30)).toBe(1);
    expect(await store.listSessions()).toEqual([]);
  });

  it("keeps only hashes of refresh tokens", async () => {
    const { store, issued } = await signedIn();
    const stored = await runInDurableObject(store, (_instance, state) =>
      state.storage.sql.exec<{ hash: string }>("SELECT hash FROM refresh_token").toArray(),
    );
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(issued.token));
    const expected = toHex(new Uint8Array(digest));
    expect(stored.map((row) => row.hash)).toEqual([expected]);
  });

  it("survives eviction: families live in durable storage, not memory", async () => {
    const { store, issued, now } = await signedIn();
    await evictDurableObject(store);
    const result = await store.rotateRefreshToken(issued.token, {
      clientId: "girlfanz-web",
      now: now + 1_000,
    });
    expect(result.ok).toBe(true);
  });
});

async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  return toBase64Url(digest);
}

const VERIFIER = "v".repeat(43);

describe("browser sessions and authorization codes", () => {
  async function browserSignedIn(now = Date.now()) {
    const store = sessions.get(sessions.idFromName(`acc_test_${++accounts}`));
    const browser = await store.startBrowserSession({ amr: ["pwd"], userAgent: "vitest", now });
    const code = await store.issueAuthorizationCode({
      sessionId: browser.sessionId,
      clientId: "girlfanz-web",
      tenantId: "ten_girlfanz",
      redirectUri: "http://girlfanz.localhost:8787/v1/auth/oidc/callback",
      codeChallenge: await s256(VERIFIER),
      nonce: "n-1",
      scope: "openid",
      now,
    });
    return { store, browser, code, now };
  }
  const redeem = (
    store: DurableObjectStub<SessionStore>,
    code: string,
    overrides: Partial<{ clientId: string; redirectUri: string; codeVerifier: string; now: number }> = {},
  ) =>
    store.redeemAuthorizationCode(code, {
      clientId: "girlfanz-web",
      redirectUri: "http://girlfanz.localhost:8787/v1/auth/oidc/callback",
      codeVerifier: VERIFIER,
      ...overrides,
    });

  it("finds the live session of a browser by its cookie secret only", async () => {
    const { store, browser } = await browserSignedIn();
    expect(await store.browserSession(browser.secret)).toMatchObject({ id: browser.sessionId, amr: ["pwd"] });
    const last = browser.secret.at(-1) === "A" ? "B" : "A";
    expect(await store.browserSession(`${browser.secret.slice(0, -1)}${last}`)).toBeNull();
    await store.revokeSession(browser.sessionId);
    expect(await store.browserSession(browser.secret)).toBeNull();
  });

  it("redeems a code once, with its nonce and auth time; a second use revokes the family", async () => {
    const { store, code, now } = await browserSignedIn();
    const first = await redeem(store, code, { now: now + 1_000 });
    if (!first.ok) throw new Error(first.reason);
    expect(first.grant).toMatchObject({
      nonce: "n-1",
      authTime: now,
      amr: ["pwd"],
      tenantId: "ten_girlfanz",
    });
    expect(await redeem(store, code, { now: now + 2_000 })).toEqual({ ok: false, reason: "reused" });
    expect(await store.familyRevocation(first.grant.familyId)).toBe("authorization code replayed");
    const refresh = await store.rotateRefreshToken(first.grant.token, {
      clientId: "girlfanz-web",
      now: now + 3_000,
    });
    expect(refresh).toEqual({ ok: false, reason: "revoked" });
  });

  it("refuses a code past its minute, for another client or URI, or with the wrong verifier", async () => {
    const cases = [
      [{ now: Date.now() + 61_000 }, "expired"],
      [{ clientId: "pupfanz-web" }, "invalid"],
      [{ redirectUri: "https://girlfanz.com/v1/auth/oidc/callback" }, "invalid"],
      [{ codeVerifier: "w".repeat(43) }, "pkce_mismatch"],
    ] as const;
    for (const [overrides, reason] of cases) {
      const { store, code } = await browserSignedIn();
      expect(await redeem(store, code, overrides)).toEqual({ ok: false, reason });
    }
  });

  it("describes a refresh token without using it, and only while it is live", async () => {
    const { store, sessionId, issued, now } = await signedIn();
    expect(await store.describeRefreshToken(issued.token, now + 1)).toMatchObject({
      active: true,
      sessionId,
      clientId: "girlfanz-web",
    });
    await store.rotateRefreshToken(issued.token, { clientId: "girlfanz-web", now: now + 2 });
    expect(await store.describeRefreshToken(issued.token, now + 3)).toEqual({ active: false });
  });

  it("revokes a refresh token's family for its own client only (RFC 7009)", async () => {
    const { store, issued, now } = await signedIn();
    expect(await store.revokeRefreshToken(issued.token, { clientId: "pupfanz-web", now })).toBe(false);
    expect(await store.revokeRefreshToken(issued.token, { clientId: "girlfanz-web", now })).toBe(true);
    expect(await store.familyRevocation(issued.familyId)).toBe("revoked by client");
  });

  it("adds the new session columns to an object created before them", async () => {
    const store = sessions.get(sessions.idFromName(`acc_test_${++accounts}`));
    await runInDurableObject(store, (_instance, state) => {
      state.storage.sql.exec("DROP TABLE IF EXISTS auth_code");
      state.storage.sql.exec("DROP TABLE family");
      state.storage.sql.exec("DROP TABLE refresh_token");
      state.storage.sql.exec("DROP TABLE session");
      // The first release's table.
      state.storage.sql.exec(
        "CREATE TABLE session (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, user_agent TEXT, ip TEXT, revoked_at INTEGER)",
      );
      state.storage.sql.exec("INSERT INTO session (id, created_at, last_seen_at) VALUES ('ses_old', 5, 5)");
    });
    await evictDurableObject(store);
    const [old] = await store.listSessions();
    expect(old).toMatchObject({ id: "ses_old", authTime: 5, amr: [] });
    const browser = await store.startBrowserSession({ amr: ["hwk"] });
    expect(await store.browserSession(browser.secret)).toMatchObject({ amr: ["hwk"] });
  });
});

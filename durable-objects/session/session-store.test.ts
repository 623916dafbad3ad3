import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { toHex } from "@fun/core";
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

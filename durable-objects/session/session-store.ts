import { DurableObject } from "cloudflare:workers";
import { toBase64Url, toHex } from "@fun/core";

/**
 * One account's sessions and refresh-token families, strongly consistent because one object holds
 * them all. Refresh tokens are stored as SHA-256 hashes only. Rotation follows OAuth 2.0 Security
 * BCP §4.14: each use returns a new token; a token used again after its grace window is treated as
 * stolen and its whole family is revoked. Within the grace window a second use (two tabs refreshing
 * at once) gets its own fresh token in the same family.
 *
 * Storage (SQLite in the object):
 * - `session(id, created_at, last_seen_at, user_agent, ip, revoked_at)`
 * - `family(id, session_id, client_id, tenant_id, scope, created_at, revoked_at, revoked_reason)`
 * - `refresh_token(hash, family_id, issued_at, expires_at, rotated_at)`
 */
export interface SessionInfo {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string | null;
  ip: string | null;
}

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: number;
}

export interface RefreshGrant extends IssuedRefreshToken {
  sessionId: string;
  clientId: string;
  tenantId: string;
  scope: string;
}

export type RefreshFailure = "invalid" | "expired" | "revoked" | "reused";

export type RefreshResult = { ok: true; grant: RefreshGrant } | { ok: false; reason: RefreshFailure };

/** How long a rotated token may still be used (concurrent refreshes), at most 60 s per our spec. */
export const REUSE_GRACE_MS = 30_000;
/** Refresh tokens live 30 days unless used (each use starts a new 30 days). */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS session (
  id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,
  user_agent TEXT, ip TEXT, revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS family (
  id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES session(id), client_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL, scope TEXT NOT NULL, created_at INTEGER NOT NULL,
  revoked_at INTEGER, revoked_reason TEXT
);
CREATE TABLE IF NOT EXISTS refresh_token (
  hash TEXT PRIMARY KEY, family_id TEXT NOT NULL REFERENCES family(id), issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, rotated_at INTEGER
);
CREATE INDEX IF NOT EXISTS refresh_token_family ON refresh_token(family_id);
`;

function randomToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

async function hashToken(token: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))));
}

type TokenRow = {
  family_id: string;
  expires_at: number;
  rotated_at: number | null;
  session_id: string;
  client_id: string;
  tenant_id: string;
  scope: string;
  family_revoked_at: number | null;
  session_revoked_at: number | null;
};

export class SessionStore extends DurableObject<object> {
  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    ctx.storage.sql.exec(SCHEMA);
  }

  /** Starts a session (one signed-in browser or device). */
  createSession(details: { userAgent?: string; ip?: string; now?: number }): string {
    const now = details.now ?? Date.now();
    const id = `ses_${randomToken().slice(0, 26)}`;
    this.ctx.storage.sql.exec(
      "INSERT INTO session (id, created_at, last_seen_at, user_agent, ip) VALUES (?, ?, ?, ?, ?)",
      id,
      now,
      now,
      details.userAgent ?? null,
      details.ip ?? null,
    );
    return id;
  }

  /** The sessions that are still signed in, newest first (the "devices" list). */
  listSessions(): SessionInfo[] {
    return this.ctx.storage.sql
      .exec<{
        id: string;
        created_at: number;
        last_seen_at: number;
        user_agent: string | null;
        ip: string | null;
      }>(
        "SELECT id, created_at, last_seen_at, user_agent, ip FROM session WHERE revoked_at IS NULL ORDER BY created_at DESC",
      )
      .toArray()
      .map((row) => ({
        id: row.id,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        userAgent: row.user_agent,
        ip: row.ip,
      }));
  }

  /** Starts a refresh-token family for one client and brand within a session. */
  async issueRefreshToken(grant: {
    sessionId: string;
    clientId: string;
    tenantId: string;
    scope: string;
    now?: number;
  }): Promise<IssuedRefreshToken> {
    const now = grant.now ?? Date.now();
    const session = this.ctx.storage.sql
      .exec<{ revoked_at: number | null }>("SELECT revoked_at FROM session WHERE id = ?", grant.sessionId)
      .toArray()[0];
    if (!session || session.revoked_at !== null) throw new Error("session is not active");
    const familyId = `fam_${randomToken().slice(0, 26)}`;
    this.ctx.storage.sql.exec(
      "INSERT INTO family (id, session_id, client_id, tenant_id, scope, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      familyId,
      grant.sessionId,
      grant.clientId,
      grant.tenantId,
      grant.scope,
      now,
    );
    return this.#storeToken(familyId, now);
  }

  /**
   * Exchanges a refresh token for a new one. A token used a second time after the grace window
   * revokes its family: whoever holds the newer token (the thief or the user) must sign in again.
   */
  async rotateRefreshToken(
    token: string,
    options: { clientId: string; now?: number },
  ): Promise<RefreshResult> {
    const now = options.now ?? Date.now();
    // Hash first: from the read to the rotation mark below nothing may await, so two uses of one
    // token cannot interleave there.
    const hash = await hashToken(token);
    const row = this.ctx.storage.sql
      .exec<TokenRow>(
        `SELECT t.family_id, t.expires_at, t.rotated_at, f.session_id, f.client_id, f.tenant_id, f.scope,
                f.revoked_at AS family_revoked_at, s.revoked_at AS session_revoked_at
         FROM refresh_token t JOIN family f ON f.id = t.family_id JOIN session s ON s.id = f.session_id
         WHERE t.hash = ?`,
        hash,
      )
      .toArray()[0];
    if (!row || row.client_id !== options.clientId) return { ok: false, reason: "invalid" };
    if (row.family_revoked_at !== null || row.session_revoked_at !== null)
      return { ok: false, reason: "revoked" };
    if (row.rotated_at !== null && now - row.rotated_at > REUSE_GRACE_MS) {
      this.#revokeFamily(row.family_id, "reuse detected", now);
      return { ok: false, reason: "reused" };
    }
    if (row.expires_at <= now) return { ok: false, reason: "expired" };

    this.ctx.storage.sql.exec(
      "UPDATE refresh_token SET rotated_at = coalesce(rotated_at, ?) WHERE hash = ?",
      now,
      hash,
    );
    this.ctx.storage.sql.exec("UPDATE session SET last_seen_at = ? WHERE id = ?", now, row.session_id);
    const issued = await this.#storeToken(row.family_id, now);
    return {
      ok: true,
      grant: {
        ...issued,
        sessionId: row.session_id,
        clientId: row.client_id,
        tenantId: row.tenant_id,
        scope: row.scope,
      },
    };
  }

  /** Signs a session out: every family in it stops refreshing. */
  revokeSession(sessionId: string, now: number = Date.now()): boolean {
    const updated = this.ctx.storage.sql.exec(
      "UPDATE session SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
      now,
      sessionId,
    ).rowsWritten;
    this.ctx.storage.sql.exec(
      "UPDATE family SET revoked_at = ?, revoked_reason = 'session revoked' WHERE session_id = ? AND revoked_at IS NULL",
      now,
      sessionId,
    );
    return updated > 0;
  }

  /** Signs every session of the account out (logout everywhere). */
  revokeAll(now: number = Date.now()): number {
    const sessions = this.listSessions();
    for (const session of sessions) this.revokeSession(session.id, now);
    return sessions.length;
  }

  /** Why a family stopped working, if it did (for audits and tests). */
  familyRevocation(familyId: string): string | null {
    const row = this.ctx.storage.sql
      .exec<{ revoked_reason: string | null }>("SELECT revoked_reason FROM family WHERE id = ?", familyId)
      .toArray()[0];
    return row?.revoked_reason ?? null;
  }

  #revokeFamily(familyId: string, reason: string, now: number): void {
    this.ctx.storage.sql.exec(
      "UPDATE family SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
      now,
      reason,
      familyId,
    );
  }

  async #storeToken(familyId: string, now: number): Promise<IssuedRefreshToken> {
    const token = randomToken();
    const expiresAt = now + REFRESH_TOKEN_TTL_MS;
    this.ctx.storage.sql.exec(
      "INSERT INTO refresh_token (hash, family_id, issued_at, expires_at) VALUES (?, ?, ?, ?)",
      await hashToken(token),
      familyId,
      now,
      expiresAt,
    );
    return { token, familyId, expiresAt };
  }
}

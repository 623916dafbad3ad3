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
 * - `session(id, created_at, last_seen_at, user_agent, ip, revoked_at, auth_time, amr, browser_hash)`:
 *   a sign-in on the issuer; `browser_hash` is the hash of the auth host's session cookie.
 * - `family(id, session_id, client_id, tenant_id, scope, created_at, revoked_at, revoked_reason)`
 * - `refresh_token(hash, family_id, issued_at, expires_at, rotated_at)`
 * - `auth_code(hash, session_id, client_id, tenant_id, redirect_uri, code_challenge, nonce, scope,
 *   expires_at, used_at, family_id)`: authorization codes, single use.
 */
export interface SessionInfo {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string | null;
  ip: string | null;
  /** When the user last proved who they are in this session, epoch ms. */
  authTime: number;
  /** How they did (RFC 8176: `pwd`, `hwk`, `fed`). */
  amr: string[];
}

/** A browser signed in on the issuer: its session cookie is `<account>.<secret>`. */
export interface BrowserSession {
  sessionId: string;
  secret: string;
}

export interface AuthorizationCodeRequest {
  sessionId: string;
  clientId: string;
  tenantId: string;
  redirectUri: string;
  /** The PKCE S256 challenge (RFC 7636). */
  codeChallenge: string;
  nonce?: string;
  scope: string;
  now?: number;
}

/** What redeeming a code yields: a new refresh-token family, and what the ID token needs. */
export interface CodeGrant extends RefreshGrant {
  nonce: string | null;
  authTime: number;
  amr: string[];
}

export type CodeFailure = "invalid" | "expired" | "reused" | "pkce_mismatch" | "revoked";

export type CodeResult = { ok: true; grant: CodeGrant } | { ok: false; reason: CodeFailure };

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

/** How long a rotated token may still be used (concurrent refreshes) unless configured otherwise. */
export const REUSE_GRACE_MS = 30_000;
/** The grace window may be shortened by configuration but never made longer than this. */
const MAX_REUSE_GRACE_MS = 60_000;

/** The worker vars the object reads. */
interface SessionStoreEnv {
  /** `REFRESH_REUSE_GRACE_SECONDS` in wrangler.toml: 0–60 seconds. */
  REFRESH_REUSE_GRACE_SECONDS?: string;
}

function reuseGraceMs(env: SessionStoreEnv): number {
  const seconds = Number(env.REFRESH_REUSE_GRACE_SECONDS ?? Number.NaN);
  if (!Number.isFinite(seconds) || seconds < 0) return REUSE_GRACE_MS;
  return Math.min(seconds * 1000, MAX_REUSE_GRACE_MS);
}
/** Refresh tokens live 30 days unless used (each use starts a new 30 days). */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** An authorization code must be redeemed within a minute (RFC 6749 §4.1.2 recommends at most 10). */
export const AUTHORIZATION_CODE_TTL_MS = 60_000;

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
CREATE TABLE IF NOT EXISTS auth_code (
  hash TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES session(id), client_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, code_challenge TEXT NOT NULL, nonce TEXT,
  scope TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER,
  family_id TEXT
);
`;

/** Columns added after the first release of the schema: applied once to objects created before. */
const ADDED_COLUMNS = [
  "ALTER TABLE session ADD COLUMN auth_time INTEGER",
  "ALTER TABLE session ADD COLUMN amr TEXT NOT NULL DEFAULT '[]'",
  "ALTER TABLE session ADD COLUMN browser_hash TEXT",
];

function randomToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

async function hashToken(token: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))));
}

/** base64url(SHA-256(verifier)): the PKCE S256 transform (RFC 7636 §4.2). */
async function s256(verifier: string): Promise<string> {
  return toBase64Url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

const SESSION_COLUMNS = "SELECT id, created_at, last_seen_at, user_agent, ip, auth_time, amr FROM session";

type SessionRow = {
  id: string;
  created_at: number;
  last_seen_at: number;
  user_agent: string | null;
  ip: string | null;
  auth_time: number | null;
  amr: string;
};

function sessionInfo(row: SessionRow): SessionInfo {
  return {
    id: row.id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    userAgent: row.user_agent,
    ip: row.ip,
    authTime: row.auth_time ?? row.created_at,
    amr: JSON.parse(row.amr) as string[],
  };
}

const TOKEN_QUERY = `SELECT t.family_id, t.expires_at, t.rotated_at, f.session_id, f.client_id, f.tenant_id,
  f.scope, f.revoked_at AS family_revoked_at, s.revoked_at AS session_revoked_at
  FROM refresh_token t JOIN family f ON f.id = t.family_id JOIN session s ON s.id = f.session_id`;

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

export class SessionStore extends DurableObject<SessionStoreEnv> {
  readonly #reuseGraceMs: number;

  constructor(ctx: DurableObjectState, env: SessionStoreEnv) {
    super(ctx, env);
    this.#reuseGraceMs = reuseGraceMs(env);
    ctx.storage.sql.exec(SCHEMA);
    const columns = new Set(
      ctx.storage.sql
        .exec<{ name: string }>("SELECT name FROM pragma_table_info('session')")
        .toArray()
        .map((row) => row.name),
    );
    for (const statement of ADDED_COLUMNS) {
      const column = statement.split(" ")[5] ?? "";
      if (!columns.has(column)) ctx.storage.sql.exec(statement);
    }
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS session_browser ON session(browser_hash)");
  }

  /** Starts a session (one signed-in browser or device). */
  createSession(details: { userAgent?: string; ip?: string; amr?: string[]; now?: number }): string {
    const now = details.now ?? Date.now();
    const id = `ses_${randomToken().slice(0, 26)}`;
    this.ctx.storage.sql.exec(
      "INSERT INTO session (id, created_at, last_seen_at, user_agent, ip, auth_time, amr) VALUES (?, ?, ?, ?, ?, ?, ?)",
      id,
      now,
      now,
      details.userAgent ?? null,
      details.ip ?? null,
      now,
      JSON.stringify(details.amr ?? []),
    );
    return id;
  }

  /**
   * Starts a session for a browser that just signed in on the issuer, and the secret of the
   * cookie that will carry it there (stored hashed).
   */
  async startBrowserSession(details: {
    userAgent?: string;
    ip?: string;
    amr: string[];
    now?: number;
  }): Promise<BrowserSession> {
    const secret = randomToken();
    const hash = await hashToken(secret);
    const sessionId = this.createSession(details);
    this.ctx.storage.sql.exec("UPDATE session SET browser_hash = ? WHERE id = ?", hash, sessionId);
    return { sessionId, secret };
  }

  /** The live session a browser's cookie secret belongs to, if it is still signed in. */
  async browserSession(secret: string): Promise<SessionInfo | null> {
    const hash = await hashToken(secret);
    const row = this.ctx.storage.sql
      .exec<SessionRow>(`${SESSION_COLUMNS} WHERE browser_hash = ? AND revoked_at IS NULL`, hash)
      .toArray()[0];
    return row ? sessionInfo(row) : null;
  }

  /** One session, if it is still signed in. */
  session(sessionId: string): SessionInfo | null {
    const row = this.ctx.storage.sql
      .exec<SessionRow>(`${SESSION_COLUMNS} WHERE id = ? AND revoked_at IS NULL`, sessionId)
      .toArray()[0];
    return row ? sessionInfo(row) : null;
  }

  /**
   * Issues a single-use authorization code bound to the client, its redirect URI and its PKCE
   * challenge. The caller prefixes the account to route the code back here.
   */
  async issueAuthorizationCode(request: AuthorizationCodeRequest): Promise<string> {
    const now = request.now ?? Date.now();
    if (!this.session(request.sessionId)) throw new Error("session is not active");
    const code = randomToken();
    this.ctx.storage.sql.exec(
      `INSERT INTO auth_code (hash, session_id, client_id, tenant_id, redirect_uri, code_challenge, nonce,
         scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      await hashToken(code),
      request.sessionId,
      request.clientId,
      request.tenantId,
      request.redirectUri,
      request.codeChallenge,
      request.nonce ?? null,
      request.scope,
      now,
      now + AUTHORIZATION_CODE_TTL_MS,
    );
    return code;
  }

  /**
   * Redeems an authorization code for a new refresh-token family. A code is good once: presenting
   * it again revokes the family it created (RFC 6749 §4.1.2), since one of the two callers stole it.
   */
  async redeemAuthorizationCode(
    code: string,
    options: { clientId: string; redirectUri: string; codeVerifier: string; now?: number },
  ): Promise<CodeResult> {
    const now = options.now ?? Date.now();
    const [hash, verifierHash] = await Promise.all([hashToken(code), s256(options.codeVerifier)]);
    // Nothing below awaits until the code is marked used, so two redemptions cannot both pass.
    const row = this.ctx.storage.sql
      .exec<{
        session_id: string;
        client_id: string;
        tenant_id: string;
        redirect_uri: string;
        code_challenge: string;
        nonce: string | null;
        scope: string;
        expires_at: number;
        used_at: number | null;
        family_id: string | null;
      }>("SELECT * FROM auth_code WHERE hash = ?", hash)
      .toArray()[0];
    if (!row || row.client_id !== options.clientId) return { ok: false, reason: "invalid" };
    if (row.used_at !== null) {
      if (row.family_id) this.#revokeFamily(row.family_id, "authorization code replayed", now);
      return { ok: false, reason: "reused" };
    }
    this.ctx.storage.sql.exec("UPDATE auth_code SET used_at = ? WHERE hash = ?", now, hash);
    if (row.expires_at <= now) return { ok: false, reason: "expired" };
    if (row.redirect_uri !== options.redirectUri) return { ok: false, reason: "invalid" };
    if (!timingSafeEqual(verifierHash, row.code_challenge)) return { ok: false, reason: "pkce_mismatch" };
    const session = this.session(row.session_id);
    if (!session) return { ok: false, reason: "revoked" };
    const familyId = this.#createFamily(row.session_id, row.client_id, row.tenant_id, row.scope, now);
    this.ctx.storage.sql.exec("UPDATE auth_code SET family_id = ? WHERE hash = ?", familyId, hash);
    const issued = await this.#storeToken(familyId, now);
    return {
      ok: true,
      grant: {
        ...issued,
        sessionId: row.session_id,
        clientId: row.client_id,
        tenantId: row.tenant_id,
        scope: row.scope,
        nonce: row.nonce,
        authTime: session.authTime,
        amr: session.amr,
      },
    };
  }

  /**
   * Revokes the family of a refresh token (RFC 7009). Answers whether the token was one of the
   * client's; an unknown token is not an error for the caller.
   */
  async revokeRefreshToken(token: string, options: { clientId: string; now?: number }): Promise<boolean> {
    const row = this.ctx.storage.sql
      .exec<{ family_id: string; client_id: string }>(
        "SELECT t.family_id, f.client_id FROM refresh_token t JOIN family f ON f.id = t.family_id WHERE t.hash = ?",
        await hashToken(token),
      )
      .toArray()[0];
    if (!row || row.client_id !== options.clientId) return false;
    this.#revokeFamily(row.family_id, "revoked by client", options.now ?? Date.now());
    return true;
  }

  /** The sessions that are still signed in, newest first (the "devices" list). */
  listSessions(): SessionInfo[] {
    return this.ctx.storage.sql
      .exec<SessionRow>(`${SESSION_COLUMNS} WHERE revoked_at IS NULL ORDER BY created_at DESC`)
      .toArray()
      .map(sessionInfo);
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
    const familyId = this.#createFamily(grant.sessionId, grant.clientId, grant.tenantId, grant.scope, now);
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
    const row = this.ctx.storage.sql.exec<TokenRow>(`${TOKEN_QUERY} WHERE t.hash = ?`, hash).toArray()[0];
    if (!row || row.client_id !== options.clientId) return { ok: false, reason: "invalid" };
    if (row.family_revoked_at !== null || row.session_revoked_at !== null)
      return { ok: false, reason: "revoked" };
    if (row.rotated_at !== null && now - row.rotated_at > this.#reuseGraceMs) {
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

  /**
   * What a refresh token is, without using it (RFC 7662 introspection): live only when it has not
   * been rotated, has not expired, and its family and session are live.
   */
  async describeRefreshToken(
    token: string,
    now: number = Date.now(),
  ): Promise<
    | {
        active: true;
        sessionId: string;
        clientId: string;
        tenantId: string;
        scope: string;
        expiresAt: number;
      }
    | { active: false }
  > {
    const row = this.ctx.storage.sql
      .exec<TokenRow>(`${TOKEN_QUERY} WHERE t.hash = ?`, await hashToken(token))
      .toArray()[0];
    const live =
      row &&
      row.rotated_at === null &&
      row.expires_at > now &&
      row.family_revoked_at === null &&
      row.session_revoked_at === null;
    if (!live) return { active: false };
    return {
      active: true,
      sessionId: row.session_id,
      clientId: row.client_id,
      tenantId: row.tenant_id,
      scope: row.scope,
      expiresAt: row.expires_at,
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

  #createFamily(sessionId: string, clientId: string, tenantId: string, scope: string, now: number): string {
    const familyId = `fam_${randomToken().slice(0, 26)}`;
    this.ctx.storage.sql.exec(
      "INSERT INTO family (id, session_id, client_id, tenant_id, scope, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      familyId,
      sessionId,
      clientId,
      tenantId,
      scope,
      now,
    );
    return familyId;
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

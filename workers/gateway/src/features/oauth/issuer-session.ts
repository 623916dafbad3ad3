import type { Context } from "hono";
import type { SessionInfo } from "../../../../../durable-objects/session/session-store";
import type { GatewayEnv } from "../../context";
import { composeAccountSecret, parseAccountSecret } from "./account-secret";
import { COOKIES, clearCookie, readCookie, writeCookie } from "./cookies";
import { isActiveAccount } from "./oauth.repo";
import { sessionStoreFor } from "./token.service";

/** How long the auth host remembers a sign-in (its SSO cookie); each brand refreshes on its own. */
export const ISSUER_SESSION_MAX_AGE_SECONDS = 14 * 24 * 60 * 60;

export interface IssuerSession {
  accountId: string;
  session: SessionInfo;
}

/** The client's address as Cloudflare reports it; null under a test runner that sets none. */
export function clientIp(c: Context<GatewayEnv>): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}

/**
 * The browser's sign-in on the issuer, from its cookie: live in the account's SessionStore and the
 * account still active. Anything else counts as signed out.
 */
export async function currentIssuerSession(c: Context<GatewayEnv>): Promise<IssuerSession | null> {
  const cookie = readCookie(c, COOKIES.issuerSession);
  const parsed = cookie ? parseAccountSecret(cookie) : undefined;
  if (!parsed) return null;
  const [session, active] = await Promise.all([
    sessionStoreFor(c.env, parsed.accountId).browserSession(parsed.secret),
    isActiveAccount(c.get("services").db, parsed.accountId),
  ]);
  return session && active ? { accountId: parsed.accountId, session } : null;
}

/** Starts a sign-in session for the browser and sets the auth host's session cookie. */
export async function startIssuerSession(
  c: Context<GatewayEnv>,
  accountId: string,
  amr: string[],
): Promise<IssuerSession> {
  const store = sessionStoreFor(c.env, accountId);
  const ip = clientIp(c);
  const userAgent = c.req.header("user-agent");
  const started = await store.startBrowserSession({
    amr,
    ...(ip ? { ip } : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, 256) } : {}),
  });
  writeCookie(c, COOKIES.issuerSession, composeAccountSecret(accountId, started.secret), {
    maxAgeSeconds: ISSUER_SESSION_MAX_AGE_SECONDS,
  });
  const session = await store.session(started.sessionId);
  if (!session) throw new Error("a session just started is not live");
  return { accountId, session };
}

/** Forgets the browser's sign-in on the auth host (the session itself is revoked by the caller). */
export function clearIssuerSession(c: Context<GatewayEnv>): void {
  clearCookie(c, COOKIES.issuerSession);
}

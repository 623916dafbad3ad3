import { err, ok, type Result } from "@fun/core";
import type { z } from "@hono/zod-openapi";
import type { SessionInfo } from "../../../../../durable-objects/session/session-store";
import { sessionStoreFor } from "../oauth/token.service";
import type { Session } from "./sessions.schema";

/** Who is asking: the account and the sign-in session of the access token, if it has one. */
export interface SessionCaller {
  accountId: string;
  sessionId: string | undefined;
}

function describeSession(session: SessionInfo, caller: SessionCaller): z.infer<typeof Session> {
  return {
    id: session.id,
    createdAt: new Date(session.createdAt).toISOString(),
    lastSeenAt: new Date(session.lastSeenAt).toISOString(),
    userAgent: session.userAgent,
    ip: session.ip,
    authTime: new Date(session.authTime).toISOString(),
    amr: session.amr,
    current: session.id === caller.sessionId,
  };
}

/** The caller's own session, while it is live. */
export async function currentSession(
  env: Env,
  caller: SessionCaller,
): Promise<Result<z.infer<typeof Session>, "no_session">> {
  if (!caller.sessionId) return err("no_session");
  const session = await sessionStoreFor(env, caller.accountId).session(caller.sessionId);
  return session ? ok(describeSession(session, caller)) : err("no_session");
}

/** Every live session of the caller's account (its devices), newest first. */
export async function listSessions(env: Env, caller: SessionCaller): Promise<z.infer<typeof Session>[]> {
  const sessions = await sessionStoreFor(env, caller.accountId).listSessions();
  return sessions.map((session) => describeSession(session, caller));
}

/**
 * Ends one session or all of them, always in the caller's own SessionStore: another account's
 * session id is simply not found there. Every refresh token of an ended session stops working.
 */
export async function revokeSessions(
  env: Env,
  caller: SessionCaller,
  target: { sessionId: string } | { all: true },
): Promise<Result<number, "not_found">> {
  const store = sessionStoreFor(env, caller.accountId);
  if ("all" in target) return ok(await store.revokeAll());
  return (await store.revokeSession(target.sessionId)) ? ok(1) : err("not_found");
}

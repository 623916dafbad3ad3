import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { SessionInfo } from "../../../../../durable-objects/session/session-store";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { sessionStoreFor } from "../oauth/token.service";

const SessionSchema = z
  .object({
    id: z.string().openapi({ example: "ses_Zk3l0y2p1QmX9aV7cR4tW8bN5j" }),
    createdAt: z.string().openapi({ format: "date-time" }),
    lastSeenAt: z.string().openapi({ format: "date-time" }),
    authenticatedAt: z
      .string()
      .openapi({ format: "date-time", description: "When the user last proved who they are." }),
    methods: z.array(z.string()).openapi({ description: "How (RFC 8176: pwd, hwk, fed).", example: ["pwd"] }),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean().openapi({ description: "Whether the calling token belongs to this session." }),
  })
  .openapi("Session");

function describe(session: SessionInfo, currentId: string | undefined): z.infer<typeof SessionSchema> {
  return {
    id: session.id,
    createdAt: new Date(session.createdAt).toISOString(),
    lastSeenAt: new Date(session.lastSeenAt).toISOString(),
    authenticatedAt: new Date(session.authTime).toISOString(),
    methods: session.amr,
    userAgent: session.userAgent,
    ip: session.ip,
    current: session.id === currentId,
  };
}

const currentRoute = defineRoute({
  method: "get",
  path: "/v1/sessions/current",
  tags: ["Auth"],
  summary: "The sign-in session the access token belongs to",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  responses: {
    200: { description: "The session.", content: { "application/json": { schema: SessionSchema } } },
  },
});

const listRoute = defineRoute({
  method: "get",
  path: "/v1/sessions",
  tags: ["Auth"],
  summary: "Every signed-in device of the account, newest first",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  responses: {
    200: {
      description: "The live sessions; one sign-in covers every brand it hopped to.",
      content: {
        "application/json": { schema: z.object({ sessions: z.array(SessionSchema) }).openapi("SessionList") },
      },
    },
  },
});

const RevokeSchema = z
  .union([
    z.object({ sessionId: z.string().min(1).max(64) }).strict(),
    z.object({ all: z.literal(true) }).strict(),
  ])
  .openapi("SessionRevocation", { description: "One session by id, or all: true for every one." });

const revokeRoute = defineRoute({
  method: "post",
  path: "/v1/sessions/revoke",
  tags: ["Auth"],
  summary: "Signs one device, or every device, out of every brand",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  request: { body: { required: true, content: { "application/json": { schema: RevokeSchema } } } },
  responses: {
    200: {
      description: "How many sessions ended; their refresh tokens stop working at once.",
      content: {
        "application/json": { schema: z.object({ revoked: z.number().int() }).openapi("SessionsRevoked") },
      },
    },
  },
});

export function registerSessions(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(currentRoute, async (c) => {
    const { subject, sessionId } = c.get("auth").claims;
    const session = sessionId ? await sessionStoreFor(c.env, subject).session(sessionId) : null;
    if (!session) throw new ApiError("not_found", "This access token belongs to no live session.");
    c.header("Cache-Control", "private, no-store");
    return c.json(describe(session, sessionId), 200);
  });

  app.openapi(listRoute, async (c) => {
    const { subject, sessionId } = c.get("auth").claims;
    const sessions = await sessionStoreFor(c.env, subject).listSessions();
    c.header("Cache-Control", "private, no-store");
    return c.json({ sessions: sessions.map((session) => describe(session, sessionId)) }, 200);
  });

  app.openapi(revokeRoute, async (c) => {
    // The caller's own SessionStore only: another account's session id is simply not found there.
    const store = sessionStoreFor(c.env, c.get("auth").claims.subject);
    const body = c.req.valid("json");
    if ("all" in body) return c.json({ revoked: await store.revokeAll() }, 200);
    if (!(await store.revokeSession(body.sessionId))) {
      throw new ApiError("not_found", "No live session of yours has this id.");
    }
    return c.json({ revoked: 1 }, 200);
  });
}

import { ApiError, defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { RevokeSessionsRequest, SessionsRevoked } from "./sessions.schema";
import { revokeSessions } from "./sessions.service";

const route = defineRoute({
  method: "post",
  path: "/v1/sessions/revoke",
  tags: ["Auth"],
  summary: "Signs one device, or every device, out of every brand",
  description: "Only the caller's own sessions: any other id is a 404.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  request: { body: { required: true, content: { "application/json": { schema: RevokeSessionsRequest } } } },
  responses: {
    200: {
      description: "How many sessions ended; their refresh tokens stop working at once.",
      content: { "application/json": { schema: SessionsRevoked } },
    },
  },
});

export function registerRevokeSessions(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { subject, sessionId } = c.get("auth").claims;
    const revoked = await revokeSessions(c.env, { accountId: subject, sessionId }, c.req.valid("json"));
    if (!revoked.ok) throw new ApiError("not_found", "No live session of yours has this id.");
    c.header("Cache-Control", "no-store");
    return c.json({ revoked: revoked.value }, 200);
  });
}

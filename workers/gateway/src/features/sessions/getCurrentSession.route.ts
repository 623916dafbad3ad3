import { ApiError, defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { Session } from "./sessions.schema";
import { currentSession } from "./sessions.service";

const route = defineRoute({
  method: "get",
  path: "/v1/sessions/current",
  tags: ["Auth"],
  summary: "The sign-in session the access token belongs to",
  description: "404 when the token carries no session, or its session has ended.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  responses: {
    200: { description: "The session.", content: { "application/json": { schema: Session } } },
  },
});

export function registerGetCurrentSession(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { subject, sessionId } = c.get("auth").claims;
    const found = await currentSession(c.env, { accountId: subject, sessionId });
    if (!found.ok) throw new ApiError("not_found", "This access token belongs to no live session.");
    c.header("Cache-Control", "private, no-store");
    return c.json(found.value, 200);
  });
}

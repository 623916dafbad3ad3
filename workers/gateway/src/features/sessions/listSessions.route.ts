import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { SessionList } from "./sessions.schema";
import { listSessions } from "./sessions.service";

const route = defineRoute({
  method: "get",
  path: "/v1/sessions",
  tags: ["Auth"],
  summary: "Every signed-in device of the account, newest first",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  responses: {
    200: {
      description: "The live sessions; one sign-in covers every brand it hopped to.",
      content: { "application/json": { schema: SessionList } },
    },
  },
});

export function registerListSessions(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { subject, sessionId } = c.get("auth").claims;
    const sessions = await listSessions(c.env, { accountId: subject, sessionId });
    c.header("Cache-Control", "private, no-store");
    return c.json({ sessions }, 200);
  });
}

import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { registerGetCurrentSession } from "./getCurrentSession.route";
import { registerListSessions } from "./listSessions.route";
import { registerRevokeSessions } from "./revokeSessions.route";

/** The account's sign-in sessions (devices), on every brand host. */
export function registerSessions(app: OpenAPIHono<GatewayEnv>) {
  // Registered before `/v1/sessions` so the fixed paths are matched first in the document order too.
  registerGetCurrentSession(app);
  registerListSessions(app);
  registerRevokeSessions(app);
}

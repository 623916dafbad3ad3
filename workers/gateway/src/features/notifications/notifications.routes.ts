import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { registerDevPush } from "./devPush.route";
import { registerListNotifications } from "./listNotifications.route";
import { registerMarkRead } from "./markRead.route";

/** The in-app inbox on every brand host, and the dev push log on the local auth host. */
export function registerNotifications(app: OpenAPIHono<GatewayEnv>) {
  registerListNotifications(app);
  registerMarkRead(app);
  registerDevPush(app);
}

import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { registerCreateEndpoint } from "./createEndpoint.route";
import { registerDeleteEndpoint } from "./deleteEndpoint.route";
import { registerGetEndpoint } from "./getEndpoint.route";
import { registerListDeliveries } from "./listDeliveries.route";
import { registerListEndpoints } from "./listEndpoints.route";
import { registerRotateSecret } from "./rotateSecret.route";
import { registerUpdateEndpoint } from "./updateEndpoint.route";

/** Partner webhook endpoints of the host's brand and their delivery logs (needs `webhooks:manage`). */
export function registerWebhooks(app: OpenAPIHono<GatewayEnv>) {
  registerCreateEndpoint(app);
  registerListEndpoints(app);
  registerRotateSecret(app);
  registerGetEndpoint(app);
  registerUpdateEndpoint(app);
  registerDeleteEndpoint(app);
  registerListDeliveries(app);
}

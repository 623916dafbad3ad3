import { createApi } from "@fun/http";
import type { GatewayEnv } from "./context";
import { registerDocs } from "./features/docs/docs.routes";
import { registerListEventSchemas } from "./features/events/listEventSchemas.route";
import { registerValidateEvent } from "./features/events/validateEvent.route";
import { registerGetHealth } from "./features/health/getHealth.route";
import { registerGetCurrentTenant } from "./features/tenants/getCurrentTenant.route";
import { resolveHost } from "./middleware/resolve-host";

/**
 * Builds the gateway app: the one factory used by the deployed worker and by the tests.
 * `extraRoutes` lets a test mount its own route on the real pipeline (host resolution, services,
 * outbox relay, problem handling).
 */
export function createGatewayApp(
  options: { extraRoutes?: (app: ReturnType<typeof createApi<GatewayEnv>>) => void } = {},
) {
  const app = createApi<GatewayEnv>({ service: "gateway", beforeRouting: [resolveHost] });
  registerGetHealth(app);
  registerGetCurrentTenant(app);
  registerListEventSchemas(app);
  registerValidateEvent(app);
  options.extraRoutes?.(app);
  registerDocs(app);
  return app;
}

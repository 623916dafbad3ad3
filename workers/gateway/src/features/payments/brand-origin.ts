import { ApiError } from "@fun/http";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { requestHost } from "../../middleware/resolve-host";
import { authHostFor } from "../tenants/getCurrentTenant.route";
import { publicUrls } from "../tenants/public-urls";

/** The brand's web origin as the caller reaches it: checkout return URLs and sandbox pages live there. */
export function brandOrigin(c: Context<GatewayEnv>): string {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "This host does not serve a brand.");
  return publicUrls(
    host.tenant,
    host.environment,
    { url: c.req.url, host: requestHost(c.req.raw) },
    authHostFor(c.env.AUTH_HOSTS, host.environment),
    c.env.LOCAL_PUBLIC_PORT,
  ).web;
}

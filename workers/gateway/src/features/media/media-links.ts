import type { Tenant } from "@fun/tenancy";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { requestHost } from "../../middleware/resolve-host";
import { authHostFor } from "../tenants/getCurrentTenant.route";
import { publicUrls } from "../tenants/public-urls";

/**
 * A signed media link's full URL on a brand's media host (`media.pupfanz.localhost:8787` locally,
 * `media.pupfanz.com` in production), from the path and query the vault signed.
 */
export function mediaHostUrl(c: Context<GatewayEnv>, tenant: Tenant, signedPath: string): string {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new Error("media links are made on a brand's host");
  const media = publicUrls(
    tenant,
    host.environment,
    { url: c.req.url, host: requestHost(c.req.raw) },
    authHostFor(c.env.AUTH_HOSTS, host.environment),
    c.env.LOCAL_PUBLIC_PORT,
  ).media;
  return `${media}${signedPath}`;
}

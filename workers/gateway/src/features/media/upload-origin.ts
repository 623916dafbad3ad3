import { ApiError } from "@fun/http";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { requestHost } from "../../middleware/resolve-host";
import { authHostFor } from "../tenants/getCurrentTenant.route";

/**
 * The upload host's origin as this client reaches it, for the upload URLs the media worker signs.
 * Locally it keeps the scheme and port of the request (`http://upload.localhost:8787`), or
 * `LOCAL_PUBLIC_PORT` when the Host header names none; in production it is https on the configured
 * upload host (`UPLOAD_HOSTS`).
 */
export function uploadOrigin(c: Context<GatewayEnv>): string {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Uploads start on a brand's host.");
  const uploadHost = authHostFor(c.env.UPLOAD_HOSTS, host.environment);
  if (host.environment === "production") return `https://${uploadHost}`;
  const port = /:(\d+)$/.exec(requestHost(c.req.raw))?.[1] ?? c.env.LOCAL_PUBLIC_PORT;
  return `${new URL(c.req.url).protocol}//${uploadHost}${port ? `:${port}` : ""}`;
}

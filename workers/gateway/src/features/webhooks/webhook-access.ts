import { ApiError } from "@fun/http";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { requirePermission } from "../../middleware/authenticate";

/** Every webhook route needs this: staff of the host's brand, or an admin. */
export const manageWebhooks = requirePermission("webhooks:manage");

/** The brand of the host; `manageWebhooks` has already refused any other kind of host. */
export function brandOf(c: Context<GatewayEnv>): string {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Webhooks are managed on a brand's host.");
  return host.tenant.id;
}

/** The answer for an endpoint id that is not this brand's, whether or not another brand has it. */
export const noSuchEndpoint = () => new ApiError("not_found", "No such webhook endpoint on this brand.");

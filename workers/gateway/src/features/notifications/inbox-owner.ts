import { ApiError } from "@fun/http";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { findOwnProfileId } from "../me/me.repo";

/**
 * The inbox a signed-in caller reads: their own profile's, on this host's brand only. `profileId` is
 * undefined for an account without a profile, which has no notifications.
 */
export async function callerInbox(c: Context<GatewayEnv>) {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Notifications are served on a brand's host.");
  const db = c.get("services").db;
  const profileId = await findOwnProfileId(db, c.get("auth").claims.subject);
  return { db, tenantId: host.tenant.id, profileId };
}

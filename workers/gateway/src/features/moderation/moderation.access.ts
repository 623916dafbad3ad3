import { ApiError } from "@fun/http";
import { authorize, hasPermission, loadPrincipal } from "@fun/policy";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import type { CaseScope } from "./moderation.repo";

/**
 * The cases the caller reviews on this brand: staff (`moderation:review` here) see the brand's;
 * trust & safety (`hashlists:manage` platform-wide) also see platform-wide known-bad cases.
 */
export async function reviewerScope(c: Context<GatewayEnv>): Promise<CaseScope> {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Moderation is reached on a brand's host.");
  const principal = await loadPrincipal(c.get("services").db, c.get("auth").claims.subject);
  if (!hasPermission(principal, "moderation:review", host.tenant.id))
    throw new ApiError("forbidden", "Only this brand's staff review moderation cases.");
  return {
    tenantId: host.tenant.id,
    platformWide: authorize(principal, "hashlists:manage", { kind: "platform" }, { tenantId: host.tenant.id })
      .allowed,
  };
}

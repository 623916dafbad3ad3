import { type CoreDb, contentTenantMap, mediaAsset } from "@fun/db";
import { ApiError } from "@fun/http";
import { type Action, authorize, loadPrincipal, type Principal } from "@fun/policy";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";

export type AssetRow = typeof mediaAsset.$inferSelect;

/** The brands an asset lives on: the one it was uploaded through, and every brand its post is on. */
export async function assetTenants(db: CoreDb, asset: AssetRow): Promise<string[]> {
  if (!asset.contentId) return [asset.tenantId];
  const publications = await db
    .select({ tenantId: contentTenantMap.tenantId })
    .from(contentTenantMap)
    .where(eq(contentTenantMap.contentId, asset.contentId));
  return [...new Set([asset.tenantId, ...publications.map((p) => p.tenantId)])];
}

/**
 * Loads an asset for `action` on the request's brand: its uploader (holding `media:upload`) or staff
 * of a brand it lives on. Media is private, so anyone else, like a caller asking for an asset that
 * does not exist, gets the same 404.
 */
export async function assetFor(
  c: Context<GatewayEnv>,
  assetId: string,
  action: Extract<Action, `asset:${string}`>,
): Promise<{ asset: AssetRow; principal: Principal }> {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Media is reached on a brand's host.");
  const db = c.get("services").db;
  const [asset, principal] = await Promise.all([
    db.select().from(mediaAsset).where(eq(mediaAsset.id, assetId)).get(),
    loadPrincipal(db, c.get("auth").claims.subject),
  ]);
  if (asset) {
    const resource = {
      kind: "asset" as const,
      id: asset.id,
      creatorProfileId: asset.ownerProfileId,
      tenantIds: await assetTenants(db, asset),
    };
    if (authorize(principal, action, resource, { tenantId: host.tenant.id }).allowed)
      return { asset, principal };
  }
  throw new ApiError("not_found", "No such asset.");
}

/** Whether the caller is trust & safety staff, who may see which known-bad list matched. */
export function managesHashLists(principal: Principal): boolean {
  // A platform-wide permission: the brand in the context plays no part in the decision.
  return authorize(principal, "hashlists:manage", { kind: "platform" }, { tenantId: "" }).allowed;
}

import { type CoreDb, content, contentTenantMap, mediaAsset, profile } from "@fun/db";
import { fanIsEntitled, hasPermission, loadPrincipal } from "@fun/policy";
import { and, eq } from "drizzle-orm";

export type Access = "allowed" | "unavailable" | "not_entitled";

/**
 * Whether the viewer a token was issued to may receive an asset's variant on a brand right now (the
 * token proves who asked and when; this re-checks the present state). Blocked assets are never
 * served. The teaser is the preview of locked content and needs no entitlement; every other
 * variant needs the post to be live on this brand and the viewer entitled: anyone for public posts,
 * an active subscriber for subscribers-only, a paid and unrefunded purchase for pay-per-view. The
 * creator and the brand's staff always pass.
 */
export async function viewerAccess(
  db: CoreDb,
  request: { assetId: string; variant: string; tenantId: string; viewerProfileId: string | null },
  now = Date.now(),
): Promise<Access> {
  const found = await db
    .select({ asset: mediaAsset, post: content })
    .from(mediaAsset)
    .leftJoin(content, eq(content.id, mediaAsset.contentId))
    .where(eq(mediaAsset.id, request.assetId))
    .get();
  if (!found || found.asset.blockedAt !== null || !found.post) return "unavailable";
  const { post } = found;
  const viewer = request.viewerProfileId;
  const live = await db
    .select({ id: contentTenantMap.id })
    .from(contentTenantMap)
    .where(
      and(
        eq(contentTenantMap.contentId, post.id),
        eq(contentTenantMap.tenantId, request.tenantId),
        eq(contentTenantMap.status, "published"),
      ),
    )
    .get();
  // The common case first: a live public post (or any teaser) needs no look at who is asking.
  if (live && (request.variant === "teaser" || post.visibility === "public")) return "allowed";
  if (viewer !== null && viewer === post.creatorProfileId) return "allowed";
  if (viewer !== null && (await isStaff(db, viewer, request.tenantId))) return "allowed";
  if (!live) return "unavailable";
  if (viewer === null) return "not_entitled";
  return (await fanIsEntitled(db, viewer, post, now)) ? "allowed" : "not_entitled";
}

async function isStaff(db: CoreDb, profileId: string, tenantId: string): Promise<boolean> {
  const owner = await db
    .select({ accountId: profile.accountId })
    .from(profile)
    .where(eq(profile.id, profileId))
    .get();
  if (!owner) return false;
  return hasPermission(await loadPrincipal(db, owner.accountId), "moderation:review", tenantId);
}

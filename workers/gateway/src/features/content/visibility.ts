import { type CoreDb, profileTenant } from "@fun/db";
import { and, eq } from "drizzle-orm";
import { blockedBetween } from "../profiles/social.repo";
import type { Publication } from "./content.repo";

/** Whether the post is live on this brand now: published there and its time has come. */
export function livesOn(publications: Publication[], tenantId: string, now = Date.now()): boolean {
  return publications.some(
    (p) =>
      p.tenantId === tenantId && p.status === "published" && (p.publishAt === null || p.publishAt <= now),
  );
}

/**
 * Whether someone who is neither the post's creator nor staff sees it on this brand: it is live
 * here, its creator's presence here is visible, and no block stands between the viewer and the
 * creator. Anything else is answered as if the post did not exist.
 */
export async function visibleToOutsider(
  db: CoreDb,
  post: { creatorProfileId: string; publications: Publication[] },
  tenantId: string,
  viewerProfileId: string | undefined,
): Promise<boolean> {
  if (!livesOn(post.publications, tenantId)) return false;
  const [presence, blocked] = await Promise.all([
    db
      .select({ visible: profileTenant.isVisible })
      .from(profileTenant)
      .where(and(eq(profileTenant.profileId, post.creatorProfileId), eq(profileTenant.tenantId, tenantId)))
      .get(),
    viewerProfileId ? blockedBetween(db, viewerProfileId, post.creatorProfileId) : Promise.resolve(false),
  ]);
  return presence?.visible === true && !blocked;
}

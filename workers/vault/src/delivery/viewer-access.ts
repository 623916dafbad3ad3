import {
  type CoreDb,
  content,
  contentTenantMap,
  mediaAsset,
  mediaTakedown,
  mediaVariant,
  profile,
  vaultObject,
} from "@fun/db";
import { fanEntitledSql, hasPermission, loadPrincipal } from "@fun/policy";
import { eq, sql } from "drizzle-orm";
import type { VaultObjectRow } from "../objects/vault-objects";

export type Access = "allowed" | "unavailable" | "revoked" | "not_entitled";

export interface MediaRequest {
  assetId: string;
  /** A `media_variant` kind: `watermarked`, `thumb`, `teaser`, … */
  variant: string;
  tenantId: string;
  viewerProfileId: string | null;
  /** One stored copy (`var_…`), when the link was made for it (a buyer's own watermarked copy). */
  copyId?: string | null;
}

export interface MediaDecision {
  access: Access;
  /** The stored rendition to send, when one has been made. */
  object: VaultObjectRow | null;
}

/**
 * Whether the viewer a link was issued to may receive an asset's rendition on a brand right now,
 * and which stored object that is: the token proves who asked and when; this re-checks the present
 * state, in one D1 round trip for everyone but staff.
 *
 * - Taken-down assets are revoked (their links fail, whoever holds them); blocked ones are never served.
 * - The teaser is the preview of locked content and needs no entitlement; every other rendition needs
 *   the post live on this brand and the viewer entitled: anyone for public posts, an active
 *   subscriber for subscribers-only, a paid and unrefunded purchase for pay-per-view.
 * - The creator and the brand's staff always pass.
 * - A viewer's own watermarked copy (a per-buyer mark) is served in place of the brand's.
 */
export async function decideDelivery(
  db: CoreDb,
  request: MediaRequest,
  now = Date.now(),
): Promise<MediaDecision> {
  const viewer = request.viewerProfileId;
  const found = await decisionQuery(db).get({
    assetId: request.assetId,
    tenantId: request.tenantId,
    kind: request.variant,
    viewer,
    copy: request.copyId ?? null,
    now,
  });
  const object = found?.object ?? null;
  const decide = (access: Access): MediaDecision => ({ access, object });
  if (!found) return decide("unavailable");
  if (found.revoked) return decide("revoked");
  if (found.blockedAt !== null || found.postId === null) return decide("unavailable");
  const live = found.live === 1;
  if (live && (request.variant === "teaser" || found.visibility === "public")) return decide("allowed");
  if (viewer !== null && viewer === found.creatorProfileId) return decide("allowed");
  if (viewer !== null && (await isStaff(db, viewer, request.tenantId))) return decide("allowed");
  if (!live) return decide("unavailable");
  if (viewer === null) return decide("not_entitled");
  return decide(found.entitled === 1 ? "allowed" : "not_entitled");
}

const param = {
  assetId: sql.placeholder("assetId"),
  tenantId: sql.placeholder("tenantId"),
  kind: sql.placeholder("kind"),
  viewer: sql.placeholder("viewer"),
  copy: sql.placeholder("copy"),
  now: sql.placeholder("now"),
};

/**
 * The decision's one query, built once per isolate and database (it runs on every media request).
 * The stored copy: a link made for one copy serves only it; otherwise the viewer's own copy first,
 * then the brand's rendition.
 */
function buildDecisionQuery(db: CoreDb) {
  const storedCopy = sql`(
    select ${mediaVariant.storageKey} from ${mediaVariant}
    where ${mediaVariant.assetId} = ${mediaAsset.id} and ${mediaVariant.tenantId} = ${param.tenantId}
      and ${mediaVariant.kind} = ${param.kind}
      and (
        (${param.copy} is not null and ${mediaVariant.id} = ${param.copy})
        or (${param.copy} is null and (${mediaVariant.recipientProfileId} is null or ${mediaVariant.recipientProfileId} = ${param.viewer}))
      )
    order by ${mediaVariant.recipientProfileId} is null
    limit 1
  )`;
  const post = { id: content.id, visibility: content.visibility, creatorProfileId: content.creatorProfileId };
  return db
    .select({
      blockedAt: mediaAsset.blockedAt,
      postId: content.id,
      visibility: content.visibility,
      creatorProfileId: content.creatorProfileId,
      live: sql<number>`exists (
        select 1 from ${contentTenantMap}
        where ${contentTenantMap.contentId} = ${content.id} and ${contentTenantMap.tenantId} = ${param.tenantId}
          and ${contentTenantMap.status} = 'published'
      )`,
      revoked: sql<number>`exists (select 1 from ${mediaTakedown} where ${mediaTakedown.assetId} = ${mediaAsset.id})`,
      entitled: sql<number>`case when ${param.viewer} is null then 0 else ${fanEntitledSql(param.viewer, post, param.now)} end`,
      object: vaultObject,
    })
    .from(mediaAsset)
    .leftJoin(content, eq(content.id, mediaAsset.contentId))
    .leftJoin(vaultObject, eq(vaultObject.storageKey, storedCopy))
    .where(eq(mediaAsset.id, param.assetId))
    .prepare();
}

const decisionQueries = new WeakMap<CoreDb, ReturnType<typeof buildDecisionQuery>>();

function decisionQuery(db: CoreDb) {
  let query = decisionQueries.get(db);
  if (!query) {
    query = buildDecisionQuery(db);
    decisionQueries.set(db, query);
  }
  return query;
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

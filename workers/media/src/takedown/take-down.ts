import { err, newId, ok, type Result } from "@fun/core";
import {
  contentTenantMap,
  createCoreDb,
  mediaAsset,
  mediaFingerprint,
  mediaTakedown,
  mediaVariant,
} from "@fun/db";
import { createEvent, outboxInsert } from "@fun/events";
import { and, count, eq, isNull, ne } from "drizzle-orm";
import { addHashes } from "../known-bad/import-list";
import { MIN_MATCH_QUALITY } from "../near-duplicates/pdq-index.repo";
import { takedownList } from "./takedown-lists";

export type TakedownActor = (typeof mediaTakedown.$inferSelect)["actor"];

export interface TakedownRequest {
  assetId: string;
  actor: TakedownActor;
  accountId: string;
  /** The brand whose staff acted; null for the creator and trust & safety. */
  tenantId: string | null;
  reason: string;
}

export interface TakedownReport {
  takedownId: string;
  assetId: string;
  contentId: string | null;
  actor: TakedownActor;
  reason: string;
  createdAt: number;
  /** False when the asset had been taken down before: that takedown stands, nothing changed. */
  created: boolean;
  /** Renditions whose links now fail. */
  revokedVariants: number;
  /** Other stored copies of the picture blocked by its hashes. */
  blockedCopies: string[];
}

const reportOf = (
  row: typeof mediaTakedown.$inferSelect,
  contentId: string | null,
  extra: Pick<TakedownReport, "created" | "revokedVariants" | "blockedCopies">,
): TakedownReport => ({
  takedownId: row.id,
  assetId: row.assetId,
  contentId,
  actor: row.actor,
  reason: row.reason,
  createdAt: row.createdAt,
  ...extra,
});

/**
 * Takes an asset down on every brand at once. In one batch: the takedown (who, why), which the
 * vault's delivery path checks on every request, so every signed link and rendition of the asset
 * fails from now on; the asset blocked (it stays in the near-duplicate index, so a trace of a leaked
 * copy still finds it); its post hidden
 * everywhere; `fun.media.taken_down`. Then its hashes join the takedown lists, which refuse
 * re-uploads of the picture (and block copies already stored, whoever uploaded them).
 */
export async function takeDown(
  env: MediaEnv,
  request: TakedownRequest,
  now = Date.now(),
): Promise<Result<TakedownReport, "unknown_asset">> {
  const db = createCoreDb(env.DB);
  const [asset, existing, fingerprint, variants] = await Promise.all([
    db.select().from(mediaAsset).where(eq(mediaAsset.id, request.assetId)).get(),
    db.select().from(mediaTakedown).where(eq(mediaTakedown.assetId, request.assetId)).get(),
    db.select().from(mediaFingerprint).where(eq(mediaFingerprint.assetId, request.assetId)).get(),
    db.select({ n: count() }).from(mediaVariant).where(eq(mediaVariant.assetId, request.assetId)).get(),
  ]);
  if (!asset) return err("unknown_asset");
  const revokedVariants = variants?.n ?? 0;
  if (existing)
    return ok(reportOf(existing, asset.contentId, { created: false, revokedVariants, blockedCopies: [] }));

  const row = {
    id: newId("mediaTakedown", now),
    assetId: asset.id,
    actor: request.actor,
    requestedByAccountId: request.accountId,
    tenantId: request.tenantId,
    reason: request.reason,
    createdAt: now,
  };
  const [inserted] = await db.batch([
    db.insert(mediaTakedown).values(row).onConflictDoNothing().returning({ id: mediaTakedown.id }),
    db
      .update(mediaAsset)
      .set({ blockedAt: now, moderationState: "rejected", updatedAt: now })
      .where(and(eq(mediaAsset.id, asset.id), isNull(mediaAsset.blockedAt))),
    ...(asset.contentId
      ? [
          db
            .update(contentTenantMap)
            .set({ status: "hidden", updatedAt: now })
            .where(
              and(eq(contentTenantMap.contentId, asset.contentId), ne(contentTenantMap.status, "hidden")),
            ),
          outboxInsert(
            db,
            createEvent(
              "fun.content.updated",
              { contentId: asset.contentId, change: "removed" },
              { subject: asset.contentId },
            ),
          ),
        ]
      : []),
    outboxInsert(
      db,
      createEvent(
        "fun.media.taken_down",
        {
          assetId: asset.id,
          contentId: asset.contentId,
          creatorId: asset.ownerProfileId,
          actor: request.actor,
          reason: request.reason,
        },
        { subject: asset.id, tenantId: asset.tenantId },
      ),
    ),
  ]);
  if (inserted.length === 0) {
    // A concurrent takedown won the unique asset id; its record stands.
    const winner = await db.select().from(mediaTakedown).where(eq(mediaTakedown.assetId, asset.id)).get();
    if (!winner) throw new Error(`the takedown of ${asset.id} vanished`);
    return ok(reportOf(winner, asset.contentId, { created: false, revokedVariants, blockedCopies: [] }));
  }

  const blockedCopies: string[] = [];
  if (fingerprint?.md5) {
    const list = await takedownList(db, "md5", now);
    blockedCopies.push(...(await addHashes(env, list, [fingerprint.md5], now)).blockedAssetIds);
  }
  if (fingerprint?.pdq && (fingerprint.pdqQuality ?? 0) >= MIN_MATCH_QUALITY) {
    const list = await takedownList(db, "pdq", now);
    blockedCopies.push(...(await addHashes(env, list, [fingerprint.pdq], now)).blockedAssetIds);
  }
  return ok(
    reportOf(row, asset.contentId, {
      created: true,
      revokedVariants,
      blockedCopies: [...new Set(blockedCopies)].filter((id) => id !== asset.id),
    }),
  );
}

import { newId } from "@fun/core";
import { type CoreDb, content, mediaAsset, mediaUpload, mediaUploadPart } from "@fun/db";
import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";

/** The only place the upload tables are queried. Calls from the gateway are scoped by owner. */

export type AssetRow = typeof mediaAsset.$inferSelect;
export type UploadRow = typeof mediaUpload.$inferSelect;
export type NewAsset = typeof mediaAsset.$inferInsert;
export type NewUpload = typeof mediaUpload.$inferInsert;

/** Storage layout (README.md): every original lives under this key, written once. */
export const originalKey = (assetId: string) => `originals/${assetId}`;

/** New assets and their uploads, one statement each (D1 binds at most 100 values per statement). */
export function startUploads(db: CoreDb, assets: NewAsset[], uploads: NewUpload[]) {
  const statements = [
    ...assets.map((asset) => db.insert(mediaAsset).values(asset)),
    ...uploads.map((upload) => db.insert(mediaUpload).values(upload)),
  ];
  const [first, ...rest] = statements;
  if (!first) throw new Error("no uploads to start");
  return [first, ...rest] as const;
}

/** An asset of this owner and its upload in progress, if any. */
export async function findOwnedAsset(
  db: CoreDb,
  assetId: string,
  ownerProfileId: string,
): Promise<{ asset: AssetRow; upload: UploadRow | null } | undefined> {
  return db
    .select({ asset: mediaAsset, upload: mediaUpload })
    .from(mediaAsset)
    .leftJoin(mediaUpload, eq(mediaUpload.assetId, mediaAsset.id))
    .where(and(eq(mediaAsset.id, assetId), eq(mediaAsset.ownerProfileId, ownerProfileId)))
    .get();
}

/** An upload in progress and its asset, for the upload route (whose token names the asset). */
export async function findUpload(
  db: CoreDb,
  assetId: string,
): Promise<{ asset: AssetRow; upload: UploadRow } | undefined> {
  return db
    .select({ asset: mediaAsset, upload: mediaUpload })
    .from(mediaUpload)
    .innerJoin(mediaAsset, eq(mediaAsset.id, mediaUpload.assetId))
    .where(eq(mediaUpload.assetId, assetId))
    .get();
}

/** Whether the post exists and is this creator's. */
export async function ownsContent(db: CoreDb, contentId: string, ownerProfileId: string): Promise<boolean> {
  const row = await db
    .select({ id: content.id })
    .from(content)
    .where(and(eq(content.id, contentId), eq(content.creatorProfileId, ownerProfileId)))
    .get();
  return row !== undefined;
}

export interface ReceivedPart {
  partNumber: number;
  etag: string;
  bytes: number;
}

/** Parts received through the upload route, in order. */
export function recordedParts(db: CoreDb, assetId: string): Promise<ReceivedPart[]> {
  return db
    .select({
      partNumber: mediaUploadPart.partNumber,
      etag: mediaUploadPart.etag,
      bytes: mediaUploadPart.bytes,
    })
    .from(mediaUploadPart)
    .where(eq(mediaUploadPart.assetId, assetId))
    .orderBy(asc(mediaUploadPart.partNumber));
}

/** Records a part as received; sending a part again replaces it, as R2 does. */
export function recordPart(db: CoreDb, assetId: string, part: ReceivedPart, now: number) {
  return db
    .insert(mediaUploadPart)
    .values({ assetId, ...part, createdAt: now })
    .onConflictDoUpdate({
      target: [mediaUploadPart.assetId, mediaUploadPart.partNumber],
      set: { etag: part.etag, bytes: part.bytes, createdAt: now },
    });
}

/**
 * The writes that end an upload: the asset leaves `uploading` (only if it still is: a concurrent
 * completion or clean-up wins once) and the upload row goes, its parts with it (cascade).
 */
export function endUpload(
  db: CoreDb,
  assetId: string,
  change: Partial<Pick<AssetRow, "uploadState" | "failureReason" | "checksumSha256" | "mime" | "bytes">>,
  now: number,
) {
  return [
    db
      .update(mediaAsset)
      .set({ ...change, updatedAt: now })
      .where(and(eq(mediaAsset.id, assetId), eq(mediaAsset.uploadState, "uploading"))),
    db.delete(mediaUpload).where(eq(mediaUpload.assetId, assetId)),
  ] as const;
}

/** Uploads past their expiry, oldest first. */
export function expiredUploads(db: CoreDb, now: number, limit: number) {
  return db
    .select({ asset: mediaAsset, upload: mediaUpload })
    .from(mediaUpload)
    .innerJoin(mediaAsset, eq(mediaAsset.id, mediaUpload.assetId))
    .where(lt(mediaUpload.expiresAt, now))
    .orderBy(asc(mediaUpload.expiresAt))
    .limit(limit);
}

/**
 * Storage keys of assets created since `createdSince` whose upload ended unstored (failed or aborted)
 * at `endedSince` or later. Asset ids are time-sortable, so the primary key bounds the scan to the
 * recent assets.
 */
export function keysOfEndedUploads(db: CoreDb, createdSince: number, endedSince: number, limit: number) {
  return db
    .select({ storageKey: mediaAsset.storageKey })
    .from(mediaAsset)
    .where(
      and(
        gte(mediaAsset.id, `${newId("mediaAsset", createdSince).slice(0, 14)}0000000000000000`),
        inArray(mediaAsset.uploadState, ["failed", "aborted"]),
        gte(mediaAsset.updatedAt, endedSince),
      ),
    )
    .limit(limit);
}

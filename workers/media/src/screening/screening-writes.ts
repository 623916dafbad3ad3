import { newId } from "@fun/core";
import {
  type CoreDb,
  contentTenantMap,
  mediaAsset,
  mediaPdqIndex,
  moderationCase,
  safetyReport,
} from "@fun/db";
import { createEvent, outboxInsert } from "@fun/events";
import { and, eq, isNull, ne } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { pdqIndexEntry } from "../near-duplicates/pdq-index.repo";
import type { Duplicate, KnownBadHit, ScreenedFingerprint, Screening } from "./screen-asset";

type AssetRow = typeof mediaAsset.$inferSelect;

/** What a screening changed, for the caller's answer and logs. */
export interface ScreeningActions {
  blocked: boolean;
  /** The earlier asset this one was linked to or flagged against, if that is new. */
  duplicate: { canonical: Duplicate; action: "linked" | "flagged" } | null;
  indexed: boolean;
}

/** Every publication of the asset's post hidden, and readers told it is gone. */
function hidePostWrites(db: CoreDb, asset: AssetRow, now: number): BatchItem<"sqlite">[] {
  if (!asset.contentId) return [];
  return [
    db
      .update(contentTenantMap)
      .set({ status: "hidden", updatedAt: now })
      .where(and(eq(contentTenantMap.contentId, asset.contentId), ne(contentTenantMap.status, "hidden"))),
    outboxInsert(
      db,
      createEvent(
        "fun.content.updated",
        { contentId: asset.contentId, change: "removed" },
        { subject: asset.contentId },
      ),
    ),
  ];
}

/**
 * A match on the takedown list (a copy of media someone took down) blocks the copy the same way,
 * tells the uploader why, and flags it; it owes no mandatory report. It stays in the near-duplicate
 * index (blocked assets are never anyone's canonical), so a trace still finds every copy.
 */
function takedownMatchWrites(
  db: CoreDb,
  asset: AssetRow,
  hit: KnownBadHit,
  now: number,
): BatchItem<"sqlite">[] {
  return [
    db
      .update(mediaAsset)
      .set({
        blockedAt: now,
        moderationState: "rejected",
        failureReason: "this picture was taken down and may not be uploaded again",
        updatedAt: now,
      })
      .where(and(eq(mediaAsset.id, asset.id), isNull(mediaAsset.blockedAt))),
    db.delete(mediaPdqIndex).where(eq(mediaPdqIndex.subjectId, asset.id)),
    outboxInsert(
      db,
      createEvent(
        "fun.moderation.flagged",
        {
          subjectType: "asset",
          subjectId: asset.id,
          reason: "takedown_match",
          detector: `${hit.detector}-list`,
        },
        { subject: asset.id, tenantId: asset.tenantId },
      ),
    ),
    ...hidePostWrites(db, asset, now),
  ];
}

/**
 * A known-bad match blocks the asset at once: it is rejected, never served, every publication of
 * its post is hidden, and a platform-wide moderation case, a pending mandatory report and
 * `fun.moderation.flagged` are written with it. The asset leaves the near-duplicate index (its
 * list entry already catches copies). A takedown-list match is handled by `takedownMatchWrites`.
 */
export function blockAssetWrites(
  db: CoreDb,
  asset: AssetRow,
  hit: KnownBadHit,
  now: number,
): BatchItem<"sqlite">[] {
  if (hit.list.purpose === "takedown") return takedownMatchWrites(db, asset, hit, now);
  const caseId = newId("moderationCase", now);
  const writes: BatchItem<"sqlite">[] = [
    db
      .update(mediaAsset)
      .set({ blockedAt: now, moderationState: "rejected", updatedAt: now })
      .where(and(eq(mediaAsset.id, asset.id), isNull(mediaAsset.blockedAt))),
    db.insert(moderationCase).values({
      id: caseId,
      tenantId: null,
      reason: "known_bad_match",
      assetId: asset.id,
      contentId: asset.contentId,
      details: {
        detector: hit.detector,
        listId: hit.list.id,
        listName: hit.list.name,
        distance: hit.distance,
      },
      createdAt: now,
      updatedAt: now,
    }),
    db
      .insert(safetyReport)
      .values({
        id: newId("safetyReport", now),
        caseId,
        assetId: asset.id,
        listId: hit.list.id,
        matchedHash: hit.hash,
        distance: hit.distance,
        createdAt: now,
      })
      .onConflictDoNothing(),
    db.delete(mediaPdqIndex).where(eq(mediaPdqIndex.subjectId, asset.id)),
    outboxInsert(
      db,
      createEvent(
        "fun.moderation.flagged",
        {
          subjectType: "asset",
          subjectId: asset.id,
          reason: "known_bad_match",
          detector: `${hit.detector}-list`,
        },
        { subject: asset.id },
      ),
    ),
    ...hidePostWrites(db, asset, now),
  ];
  return writes;
}

/**
 * The re-upload policy: the earliest matching asset is canonical. A creator's re-upload of their own
 * asset is linked to it; a match with someone else's asset is flagged for the brand's staff.
 */
function duplicateWrites(
  db: CoreDb,
  asset: AssetRow,
  canonical: Duplicate,
  action: "linked" | "flagged",
  now: number,
): BatchItem<"sqlite">[] {
  const writes: BatchItem<"sqlite">[] = [
    db
      .update(mediaAsset)
      .set({ canonicalAssetId: canonical.assetId, duplicateState: action, updatedAt: now })
      .where(eq(mediaAsset.id, asset.id)),
    outboxInsert(
      db,
      createEvent(
        "fun.media.duplicate.detected",
        {
          assetId: asset.id,
          canonicalAssetId: canonical.assetId,
          distance: canonical.distance,
          transform: canonical.transform,
          action,
        },
        { subject: asset.id, tenantId: asset.tenantId },
      ),
    ),
  ];
  if (action === "flagged") {
    writes.push(
      db.insert(moderationCase).values({
        id: newId("moderationCase", now),
        tenantId: asset.tenantId,
        reason: "near_duplicate",
        assetId: asset.id,
        contentId: asset.contentId,
        details: {
          canonicalAssetId: canonical.assetId,
          canonicalCreatorId: canonical.creatorId,
          distance: canonical.distance,
          transform: canonical.transform,
        },
        createdAt: now,
        updatedAt: now,
      }),
      outboxInsert(
        db,
        createEvent(
          "fun.moderation.flagged",
          { subjectType: "asset", subjectId: asset.id, reason: "near_duplicate", detector: "pdq" },
          { subject: asset.id, tenantId: asset.tenantId },
        ),
      ),
    );
  }
  return writes;
}

/** The writes that carry out a screening; they belong in the same batch as the fingerprint itself. */
export function screeningWrites(
  db: CoreDb,
  asset: AssetRow,
  fingerprint: ScreenedFingerprint,
  screening: Screening,
  now: number,
): { writes: BatchItem<"sqlite">[]; actions: ScreeningActions } {
  if (screening.knownBad) {
    const blocked = asset.blockedAt === null;
    return {
      writes: blocked ? blockAssetWrites(db, asset, screening.knownBad, now) : [],
      actions: { blocked, duplicate: null, indexed: false },
    };
  }
  if (asset.blockedAt !== null)
    return { writes: [], actions: { blocked: false, duplicate: null, indexed: false } };
  const writes: BatchItem<"sqlite">[] = [];
  let duplicate: ScreeningActions["duplicate"] = null;
  const canonical = [...screening.duplicates].sort(
    (a, b) => a.createdAt - b.createdAt || a.assetId.localeCompare(b.assetId),
  )[0];
  if (canonical && canonical.assetId !== asset.canonicalAssetId) {
    const action = canonical.creatorId === asset.ownerProfileId ? "linked" : "flagged";
    writes.push(...duplicateWrites(db, asset, canonical, action, now));
    duplicate = { canonical, action };
  }
  const indexed = screening.pdqUsable && fingerprint.pdq !== null;
  if (indexed && fingerprint.pdq)
    writes.push(
      db
        .insert(mediaPdqIndex)
        .values(pdqIndexEntry(asset.id, "asset", fingerprint.pdq, fingerprint.pdqQuality ?? 0, now))
        .onConflictDoNothing(),
    );
  return { writes, actions: { blocked: false, duplicate, indexed } };
}

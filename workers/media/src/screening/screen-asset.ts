import { type CoreDb, mediaAsset } from "@fun/db";
import { inArray } from "drizzle-orm";
import { findEntries, findExactEntry, type KnownBadListRow } from "../known-bad/known-bad.repo";
import { MIN_MATCH_QUALITY, searchPdqIndex } from "../near-duplicates/pdq-index.repo";

/**
 * What an asset's fingerprints say about it: whether it is on a known-bad list (MD5 exactly, PDQ
 * within the threshold, rotations and flips included) and which earlier assets it near-duplicates.
 * Reads only; `screening-writes.ts` turns the answer into blocks, links and flags.
 */

export interface ScreenedFingerprint {
  md5: string | null;
  pdq: string | null;
  pdqQuality: number | null;
  pdqDihedral: Record<string, string> | null;
}

export interface KnownBadHit {
  detector: "pdq" | "md5";
  list: Pick<KnownBadListRow, "id" | "name" | "kind" | "source" | "purpose">;
  hash: string;
  distance: number;
}

export interface Duplicate {
  assetId: string;
  contentId: string | null;
  creatorId: string;
  distance: number;
  /** The rotation or flip of this asset that matched the earlier one (`orig` when none was needed). */
  transform: string;
  createdAt: number;
}

export interface Screening {
  /** Whether the PDQ hash was good enough to match on (images of quality ≥ 50). */
  pdqUsable: boolean;
  knownBad: KnownBadHit | null;
  /** Earlier assets within the threshold, nearest first; blocked assets are left out. */
  duplicates: Duplicate[];
}

/** How many near-duplicates a screening reports (the nearest). */
const MAX_DUPLICATES = 50;

export function pdqUsable(fingerprint: ScreenedFingerprint): boolean {
  return (
    fingerprint.pdq !== null &&
    fingerprint.pdqDihedral !== null &&
    (fingerprint.pdqQuality ?? 0) >= MIN_MATCH_QUALITY
  );
}

const listSummary = ({ id, name, kind, source, purpose }: KnownBadListRow) => ({
  id,
  name,
  kind,
  source,
  purpose,
});

export async function screenAsset(
  db: CoreDb,
  assetId: string,
  fingerprint: ScreenedFingerprint,
  options: { threshold: number },
): Promise<Screening> {
  const usable = pdqUsable(fingerprint);
  const [md5Entry, matches] = await Promise.all([
    fingerprint.md5 ? findExactEntry(db, fingerprint.md5) : undefined,
    usable && fingerprint.pdqDihedral
      ? searchPdqIndex(db, fingerprint.pdqDihedral, { radius: options.threshold, exclude: assetId })
      : [],
  ]);

  let knownBad: KnownBadHit | null = md5Entry
    ? { detector: "md5", list: listSummary(md5Entry.list), hash: md5Entry.hash, distance: 0 }
    : null;
  const listMatches = matches.filter((m) => m.kind === "known_bad");
  if (!knownBad && listMatches.length > 0) {
    const entries = new Map(
      (
        await findEntries(
          db,
          listMatches.map((m) => m.subjectId),
        )
      ).map((e) => [e.entryId, e]),
    );
    // Nearest first, but a known-bad entry outranks the takedown list: its match owes a report.
    const nearest =
      listMatches.find((m) => entries.get(m.subjectId)?.list.purpose === "known_bad") ??
      listMatches.find((m) => entries.has(m.subjectId));
    const entry = nearest && entries.get(nearest.subjectId);
    if (nearest && entry)
      knownBad = {
        detector: "pdq",
        list: listSummary(entry.list),
        hash: entry.hash,
        distance: nearest.distance,
      };
  }

  const assetMatches = matches.filter((m) => m.kind === "asset").slice(0, MAX_DUPLICATES);
  const assets =
    assetMatches.length === 0
      ? []
      : await db
          .select({
            id: mediaAsset.id,
            contentId: mediaAsset.contentId,
            ownerProfileId: mediaAsset.ownerProfileId,
            blockedAt: mediaAsset.blockedAt,
            createdAt: mediaAsset.createdAt,
          })
          .from(mediaAsset)
          .where(
            inArray(
              mediaAsset.id,
              assetMatches.map((m) => m.subjectId),
            ),
          );
  const byId = new Map(assets.map((a) => [a.id, a]));
  const duplicates: Duplicate[] = [];
  for (const match of assetMatches) {
    const asset = byId.get(match.subjectId);
    if (!asset || asset.blockedAt !== null) continue;
    duplicates.push({
      assetId: asset.id,
      contentId: asset.contentId,
      creatorId: asset.ownerProfileId,
      distance: match.distance,
      transform: match.variant,
      createdAt: asset.createdAt,
    });
  }
  return { pdqUsable: usable, knownBad, duplicates };
}

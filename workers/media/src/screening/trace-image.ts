import { err, ok, type Result } from "@fun/core";
import { createCoreDb, mediaAsset, mediaFingerprint, mediaTakedown } from "@fun/db";
import { eq, inArray, or } from "drizzle-orm";
import { decodeImage, ImageDecodeError } from "../fingerprint/decode";
import { digestHex, MAX_IMAGE_BYTES, matchThreshold } from "../fingerprint/fingerprint-asset";
import { pdqHash } from "../fingerprint/pdq";
import { type ReadMark, readMark } from "../forensic-marks/read-mark";
import { findEntries, findExactEntry, type KnownBadListRow } from "../known-bad/known-bad.repo";
import { MIN_MATCH_QUALITY, searchPdqIndex } from "../near-duplicates/pdq-index.repo";

/** One asset a traced image matches: the same bytes (`exact`), or the same picture by PDQ. */
export interface TraceMatch {
  assetId: string;
  contentId: string | null;
  creatorId: string;
  tenantId: string;
  /** 0 for an exact copy of the bytes. */
  distance: number;
  /** The rotation or flip of the traced image that matched (`orig` when none was needed). */
  transform: string;
  exact: boolean;
  blocked: boolean;
  /** Taken down by its creator or staff (its links and renditions are revoked). */
  takenDown: boolean;
}

export interface TraceReport {
  sha256: string;
  pdq: { hash: string; quality: number };
  threshold: number;
  /** False when the image is too flat (PDQ quality < 50) to match by picture: only exact copies are found. */
  perceptual: boolean;
  matches: TraceMatch[];
  /** The forensic watermark read from the image: which brand served it, to whom, and when; null when none verifies. */
  watermark: ReadMark | null;
  knownBad:
    | { matched: false }
    | { matched: true; list: Pick<KnownBadListRow, "id" | "name" | "kind" | "source"> };
}

const MAX_MATCHES = 100;

/**
 * The takedown trace: which of our assets a found image (a leak, a reported copy) is. Exact copies
 * by SHA-256, and the same picture within the match threshold by PDQ, rotations and flips included,
 * across every brand, and the forensic watermark of a copy one of our brands served (which names the
 * buyer of a purchased copy). The image is only read, never stored.
 */
export async function traceImage(env: MediaEnv, bytes: Uint8Array): Promise<Result<TraceReport, string>> {
  if (bytes.byteLength === 0) return err("the image is empty");
  if (bytes.byteLength > MAX_IMAGE_BYTES)
    return err(`the image is ${bytes.byteLength} bytes; at most ${MAX_IMAGE_BYTES} are read`);
  let decoded: Awaited<ReturnType<typeof decodeImage>>;
  try {
    decoded = await decodeImage(bytes);
  } catch (error) {
    if (error instanceof ImageDecodeError) return err(error.message);
    throw error;
  }
  const pdq = pdqHash(decoded);
  const [sha256, md5] = await Promise.all([digestHex("SHA-256", bytes), digestHex("MD5", bytes)]);
  const threshold = matchThreshold(env);
  const perceptual = pdq.quality >= MIN_MATCH_QUALITY;
  const db = createCoreDb(env.DB);
  const [exact, near, md5Entry, watermark] = await Promise.all([
    db
      .select({ assetId: mediaFingerprint.assetId })
      .from(mediaFingerprint)
      .where(or(eq(mediaFingerprint.sha256, sha256), eq(mediaFingerprint.md5, md5)))
      .limit(MAX_MATCHES),
    perceptual ? searchPdqIndex(db, pdq.dihedral, { radius: threshold }) : [],
    findExactEntry(db, md5),
    readMark(env, db, decoded),
  ]);

  const found = new Map<string, { distance: number; transform: string; exact: boolean }>();
  for (const { assetId } of exact) found.set(assetId, { distance: 0, transform: "orig", exact: true });
  for (const match of near) {
    if (match.kind === "asset" && !found.has(match.subjectId) && found.size < MAX_MATCHES)
      found.set(match.subjectId, { distance: match.distance, transform: match.variant, exact: false });
  }
  const rows =
    found.size === 0
      ? []
      : await db
          .select({ asset: mediaAsset, takedownId: mediaTakedown.id })
          .from(mediaAsset)
          .leftJoin(mediaTakedown, eq(mediaTakedown.assetId, mediaAsset.id))
          .where(inArray(mediaAsset.id, [...found.keys()].slice(0, 90)));
  const matches = rows
    .map(({ asset, takedownId }): TraceMatch => {
      const how = found.get(asset.id) ?? { distance: 0, transform: "orig", exact: false };
      return {
        assetId: asset.id,
        contentId: asset.contentId,
        creatorId: asset.ownerProfileId,
        tenantId: asset.tenantId,
        ...how,
        blocked: asset.blockedAt !== null,
        takenDown: takedownId !== null,
      };
    })
    .sort((a, b) => a.distance - b.distance || a.assetId.localeCompare(b.assetId));

  // Known-bad lists only: a takedown-list match shows as a taken-down asset among the matches.
  let list = md5Entry?.list.purpose === "known_bad" ? md5Entry.list : undefined;
  const listMatches = near.filter((m) => m.kind === "known_bad").map((m) => m.subjectId);
  if (!list && listMatches.length > 0)
    list = (await findEntries(db, listMatches)).find((entry) => entry.list.purpose === "known_bad")?.list;
  return ok({
    sha256,
    pdq: { hash: pdq.hash, quality: pdq.quality },
    threshold,
    perceptual,
    matches,
    watermark,
    knownBad: list
      ? { matched: true, list: { id: list.id, name: list.name, kind: list.kind, source: list.source } }
      : { matched: false },
  });
}

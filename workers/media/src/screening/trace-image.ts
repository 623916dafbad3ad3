import { err, ok, type Result } from "@fun/core";
import { createCoreDb, mediaAsset, mediaFingerprint } from "@fun/db";
import { eq, inArray, or } from "drizzle-orm";
import { decodeImage, ImageDecodeError } from "../fingerprint/decode";
import { digestHex, MAX_IMAGE_BYTES, matchThreshold } from "../fingerprint/fingerprint-asset";
import { pdqHash } from "../fingerprint/pdq";
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
}

export interface TraceReport {
  sha256: string;
  pdq: { hash: string; quality: number };
  threshold: number;
  /** False when the image is too flat (PDQ quality < 50) to match by picture: only exact copies are found. */
  perceptual: boolean;
  matches: TraceMatch[];
  knownBad:
    | { matched: false }
    | { matched: true; list: Pick<KnownBadListRow, "id" | "name" | "kind" | "source"> };
}

const MAX_MATCHES = 100;

/**
 * The takedown trace: which of our assets a found image (a leak, a reported copy) is. Exact copies
 * by SHA-256, and the same picture within the match threshold by PDQ, rotations and flips included,
 * across every brand. The image is only read, never stored.
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
  const [exact, near, md5Entry] = await Promise.all([
    db
      .select({ assetId: mediaFingerprint.assetId })
      .from(mediaFingerprint)
      .where(or(eq(mediaFingerprint.sha256, sha256), eq(mediaFingerprint.md5, md5)))
      .limit(MAX_MATCHES),
    perceptual ? searchPdqIndex(db, pdq.dihedral, { radius: threshold }) : [],
    findExactEntry(db, md5),
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
          .select()
          .from(mediaAsset)
          .where(inArray(mediaAsset.id, [...found.keys()].slice(0, 90)));
  const matches = rows
    .map((row): TraceMatch => {
      const how = found.get(row.id) ?? { distance: 0, transform: "orig", exact: false };
      return {
        assetId: row.id,
        contentId: row.contentId,
        creatorId: row.ownerProfileId,
        tenantId: row.tenantId,
        ...how,
        blocked: row.blockedAt !== null,
      };
    })
    .sort((a, b) => a.distance - b.distance || a.assetId.localeCompare(b.assetId));

  let list = md5Entry?.list;
  const listMatch = near.find((m) => m.kind === "known_bad");
  if (!list && listMatch) list = (await findEntries(db, [listMatch.subjectId]))[0]?.list;
  return ok({
    sha256,
    pdq: { hash: pdq.hash, quality: pdq.quality },
    threshold,
    perceptual,
    matches,
    knownBad: list
      ? { matched: true, list: { id: list.id, name: list.name, kind: list.kind, source: list.source } }
      : { matched: false },
  });
}

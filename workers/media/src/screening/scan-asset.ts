import { err, ok, type Result } from "@fun/core";
import { createCoreDb, mediaAsset, mediaFingerprint } from "@fun/db";
import { eq } from "drizzle-orm";
import { matchThreshold } from "../fingerprint/fingerprint-asset";
import { type KnownBadHit, type Screening, screenAsset } from "./screen-asset";
import { type ScreeningActions, screeningWrites } from "./screening-writes";

/** `POST /v1/media/{assetId}/scan`'s answer, as the media worker gives it to the gateway. */
export interface ScanReport {
  assetId: string;
  threshold: number;
  /** False when the asset has no PDQ hash good enough to match on (not an image, or quality < 50). */
  perceptual: boolean;
  duplicates: {
    assetId: string;
    contentId: string | null;
    creatorId: string;
    distance: number;
    transform: string;
  }[];
  knownBad:
    | { matched: false }
    | { matched: true; detector: KnownBadHit["detector"]; list: KnownBadHit["list"] };
  /** Whether this asset is blocked (now or earlier) by a known-bad match. */
  blocked: boolean;
  /** What this scan changed (a block, a new link or flag); nothing when earlier screening already did. */
  actions: ScreeningActions;
}

const NO_ACTIONS: ScreeningActions = { blocked: false, duplicate: null, indexed: false };

export type ScanError = "unknown_asset" | "not_fingerprinted" | "fingerprint_failed";

export function scanReport(
  assetId: string,
  threshold: number,
  screening: Screening,
  actions: ScreeningActions,
  alreadyBlocked: boolean,
): ScanReport {
  const hit = screening.knownBad;
  return {
    assetId,
    threshold,
    perceptual: screening.pdqUsable,
    duplicates: screening.duplicates.map(({ createdAt: _, ...duplicate }) => duplicate),
    knownBad: hit ? { matched: true, detector: hit.detector, list: hit.list } : { matched: false },
    blocked: alreadyBlocked || actions.blocked,
    actions,
  };
}

/**
 * Screens a fingerprinted asset again, against everything indexed and listed now (lists imported
 * and assets uploaded since its ingest included), and carries out the re-upload and known-bad
 * policies exactly as ingest does. `threshold` other than the configured one only reports.
 */
export async function scanAsset(
  env: MediaEnv,
  assetId: string,
  options: { threshold?: number } = {},
  now = Date.now(),
): Promise<Result<ScanReport, ScanError>> {
  const db = createCoreDb(env.DB);
  const [asset, fingerprint] = await Promise.all([
    db.select().from(mediaAsset).where(eq(mediaAsset.id, assetId)).get(),
    db.select().from(mediaFingerprint).where(eq(mediaFingerprint.assetId, assetId)).get(),
  ]);
  if (!asset) return err("unknown_asset");
  if (!fingerprint || fingerprint.status === "pending") return err("not_fingerprinted");
  if (fingerprint.status === "failed") return err("fingerprint_failed");
  const configured = matchThreshold(env);
  const threshold = options.threshold ?? configured;
  const screening = await screenAsset(db, assetId, fingerprint, { threshold });
  // Policies act at the configured threshold only; a scan at another one is a look, not a decision.
  if (threshold !== configured)
    return ok(scanReport(assetId, threshold, screening, NO_ACTIONS, asset.blockedAt !== null));
  const { writes, actions } = screeningWrites(db, asset, fingerprint, screening, now);
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
  return ok(scanReport(assetId, threshold, screening, actions, asset.blockedAt !== null));
}

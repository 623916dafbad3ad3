import { toHex } from "@fun/core";
import { createCoreDb, mediaAsset, mediaFingerprint } from "@fun/db";
import { createEvent, outboxInsert } from "@fun/events";
import { eq } from "drizzle-orm";
import { MAX_INDEX_RADIUS } from "../near-duplicates/pdq-index.repo";
import { type Screening, screenAsset } from "../screening/screen-asset";
import { type ScreeningActions, screeningWrites } from "../screening/screening-writes";
import { decodeImage, ImageDecodeError } from "./decode";
import { pdqHash } from "./pdq";
import { phash } from "./phash";

/** Images above this size are not decoded (a photo is far smaller; this is about 40 MP of PNG). */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

export type FingerprintOutcome =
  | {
      status: "ready";
      assetId: string;
      sha256: string;
      pdq: string | null;
      phash: string | null;
      screening: Screening;
      actions: ScreeningActions;
    }
  | { status: "failed"; assetId: string; reason: string }
  | { status: "unknown_asset"; assetId: string }
  | { status: "already_done"; assetId: string };

/** A failure that retrying cannot fix: the asset is marked failed with this reason. */
class Unfingerprintable extends Error {}

/** SHA-256 and MD5 of an object's body, streamed through both digests (never buffered whole). */
async function streamedDigests(body: ReadableStream<Uint8Array>): Promise<{ sha256: string; md5: string }> {
  const [forSha, forMd5] = body.tee();
  const sha = new crypto.DigestStream("SHA-256");
  const md5 = new crypto.DigestStream("MD5");
  await Promise.all([forSha.pipeTo(sha), forMd5.pipeTo(md5)]);
  return { sha256: toHex(new Uint8Array(await sha.digest)), md5: toHex(new Uint8Array(await md5.digest)) };
}

/** The lowercase hex digest of bytes held in memory (SHA-256, MD5). */
export const digestHex = async (algorithm: string, bytes: Uint8Array) =>
  toHex(new Uint8Array(await crypto.subtle.digest(algorithm, bytes)));

/** The PDQ distance at or below which images match (wrangler.toml `PDQ_MATCH_THRESHOLD`). */
export function matchThreshold(env: Pick<MediaEnv, "PDQ_MATCH_THRESHOLD">): number {
  const threshold = Number(env.PDQ_MATCH_THRESHOLD ?? 31);
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > MAX_INDEX_RADIUS)
    throw new Error(`PDQ_MATCH_THRESHOLD must be an integer from 0 to ${MAX_INDEX_RADIUS}`);
  return threshold;
}

/**
 * Fingerprints one stored asset: SHA-256 of its bytes, and for images (by their real type, from
 * magic bytes) PDQ with quality and dihedral hashes, and pHash. The fingerprint row, the asset's
 * checksum and perceptual hash, and `fun.media.fingerprint.ready` (through the outbox) are written
 * in one batch, with what screening the fingerprints decided (src/screening: a known-bad match
 * blocks the asset; a near-duplicate is linked or flagged; a usable PDQ hash joins the index). An upload that cannot be fingerprinted (empty, corrupt, not what it claims, too
 * large, gone from storage) is marked failed with the reason and is not retried; anything else
 * (storage or database trouble) throws, for the queue to retry.
 */
export async function fingerprintAsset(
  env: MediaEnv,
  assetId: string,
  now = Date.now(),
): Promise<FingerprintOutcome> {
  const db = createCoreDb(env.DB);
  const [asset, done] = await Promise.all([
    db.select().from(mediaAsset).where(eq(mediaAsset.id, assetId)).get(),
    db
      .select({ status: mediaFingerprint.status })
      .from(mediaFingerprint)
      .where(eq(mediaFingerprint.assetId, assetId))
      .get(),
  ]);
  if (!asset) return { status: "unknown_asset", assetId };
  if (done && done.status !== "pending") return { status: "already_done", assetId };
  try {
    const object = await env.MEDIA_BUCKET.get(asset.storageKey);
    if (!object) throw new Unfingerprintable("the uploaded file is not in storage");
    if (object.size === 0) throw new Unfingerprintable("the file is empty");
    const declaredImage = asset.mime.startsWith("image/");
    let digests: { sha256: string; md5: string };
    let image: {
      pdq: ReturnType<typeof pdqHash>;
      phash: string;
      width: number;
      height: number;
      type: string;
    } | null = null;
    if (declaredImage) {
      if (object.size > MAX_IMAGE_BYTES)
        throw new Unfingerprintable(
          `the image is ${object.size} bytes; at most ${MAX_IMAGE_BYTES} are decoded`,
        );
      const bytes = new Uint8Array(await object.arrayBuffer());
      digests = { sha256: await digestHex("SHA-256", bytes), md5: await digestHex("MD5", bytes) };
      const decoded = await decodeImage(bytes);
      if (decoded.type !== asset.mime)
        throw new Unfingerprintable(`the file was declared ${asset.mime} but is ${decoded.type}`);
      image = {
        pdq: pdqHash(decoded),
        phash: phash(decoded),
        width: decoded.width,
        height: decoded.height,
        type: decoded.type,
      };
    } else {
      digests = await streamedDigests(object.body);
    }
    const { sha256, md5 } = digests;
    const fingerprint = {
      status: "ready" as const,
      sha256,
      md5,
      pdq: image?.pdq.hash ?? null,
      pdqQuality: image?.pdq.quality ?? null,
      pdqDihedral: image?.pdq.dihedral ?? null,
      phash: image?.phash ?? null,
      mime: image?.type ?? asset.mime,
      bytes: object.size,
      width: image?.width ?? null,
      height: image?.height ?? null,
      failureReason: null,
      updatedAt: now,
    };
    const event = createEvent(
      "fun.media.fingerprint.ready",
      { assetId, contentId: asset.contentId, sha256, pdq: fingerprint.pdq, phash: fingerprint.phash },
      { subject: assetId },
    );
    const screening = await screenAsset(db, assetId, fingerprint, { threshold: matchThreshold(env) });
    const screened = screeningWrites(db, asset, fingerprint, screening, now);
    await db.batch([
      db
        .insert(mediaFingerprint)
        .values({ assetId, createdAt: now, ...fingerprint })
        .onConflictDoUpdate({ target: mediaFingerprint.assetId, set: fingerprint }),
      db
        .update(mediaAsset)
        .set({
          checksumSha256: sha256,
          perceptualHash: fingerprint.pdq,
          ...(image ? { width: image.width, height: image.height } : {}),
        })
        .where(eq(mediaAsset.id, assetId)),
      outboxInsert(db, event),
      ...screened.writes,
    ]);
    return {
      status: "ready",
      assetId,
      sha256,
      pdq: fingerprint.pdq,
      phash: fingerprint.phash,
      screening,
      actions: screened.actions,
    };
  } catch (error) {
    if (!(error instanceof Unfingerprintable || error instanceof ImageDecodeError)) throw error;
    await markFailed(env, assetId, error.message, now);
    return { status: "failed", assetId, reason: error.message };
  }
}

/** Records why an asset could not be fingerprinted (idempotent; a ready fingerprint is left alone). */
export async function markFailed(
  env: MediaEnv,
  assetId: string,
  reason: string,
  now = Date.now(),
): Promise<void> {
  const db = createCoreDb(env.DB);
  const failed = { status: "failed" as const, failureReason: reason, updatedAt: now };
  await db
    .insert(mediaFingerprint)
    .values({ assetId, createdAt: now, ...failed })
    .onConflictDoUpdate({
      target: mediaFingerprint.assetId,
      set: failed,
      setWhere: eq(mediaFingerprint.status, "pending"),
    });
}

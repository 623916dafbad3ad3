import { type CoreDb, createCoreDb, mediaVariant } from "@fun/db";
import { and, eq, isNull } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { RgbaImage } from "../fingerprint/decode";
import { markCopy, payloadInsert } from "../forensic-marks/mark-copy";
import { notRenderable, originalPixels, renditionSubject } from "./rendition-source";
import { storeRendition, type VariantKind, variantUpsert } from "./store-rendition";
import { makeTeaser } from "./teaser";
import { makeThumbnail } from "./thumbnails";

export type RenditionOutcome =
  | { status: "made"; kinds: VariantKind[]; payloadId: string | null }
  | { status: "already_done" }
  | { status: "skipped"; reason: string };

/** The renditions every brand serves of a picture; locked posts add the teaser. */
export function kindsFor(visibility: string): VariantKind[] {
  const kinds: VariantKind[] = ["watermarked", "thumb", "thumb_small"];
  if (visibility !== "public") kinds.push("teaser");
  return kinds;
}

async function madeKinds(db: CoreDb, assetId: string, tenantId: string): Promise<Set<string>> {
  const rows = await db
    .select({ kind: mediaVariant.kind })
    .from(mediaVariant)
    .where(
      and(
        eq(mediaVariant.assetId, assetId),
        eq(mediaVariant.tenantId, tenantId),
        isNull(mediaVariant.recipientProfileId),
      ),
    );
  return new Set(rows.map((row) => row.kind));
}

/**
 * Makes a picture's renditions for one brand it is published on: the watermarked full size (marked
 * with the brand's key and a payload ID naming brand, creator and post), thumbnails cut from the
 * marked pixels (so they carry the mark too), and for locked posts the teaser. Each is stored
 * encrypted through the vault, then the variant rows and the payload row are written in one batch.
 * Idempotent: kinds already made are skipped, and a redelivery after a crash rewrites the same
 * objects and finds the same payload ID.
 */
export async function makeRenditions(
  env: MediaEnv,
  target: { assetId: string; tenantId: string },
  now = Date.now(),
): Promise<RenditionOutcome> {
  const db = createCoreDb(env.DB);
  const subject = await renditionSubject(db, target.assetId, target.tenantId);
  const refusal = notRenderable(subject);
  if (refusal || !subject) return { status: "skipped", reason: refusal ?? "unknown asset" };
  if (!subject.post || !subject.live) return { status: "skipped", reason: "not published on this brand" };
  const made = await madeKinds(db, target.assetId, target.tenantId);
  const missing = kindsFor(subject.post.visibility).filter((kind) => !made.has(kind));
  if (missing.length === 0) return { status: "already_done" };

  const original = await originalPixels(env, subject.asset);
  const needsMark = missing.some((kind) => kind !== "teaser");
  const marked = needsMark
    ? await markCopy(
        env,
        original,
        {
          tenantId: target.tenantId,
          assetId: target.assetId,
          contentId: subject.post.id,
          creatorProfileId: subject.post.creatorProfileId,
          recipientProfileId: null,
        },
        now,
      )
    : null;
  const pixelsFor = (kind: VariantKind): RgbaImage => {
    if (kind === "teaser") return makeTeaser(original);
    if (!marked) throw new Error("a marked rendition without marked pixels");
    if (kind === "thumb") return makeThumbnail(marked.pixels, "medium");
    if (kind === "thumb_small") return makeThumbnail(marked.pixels, "small");
    return marked.pixels;
  };
  const writes: BatchItem<"sqlite">[] = marked ? [payloadInsert(db, marked.payloadRow)] : [];
  for (const kind of missing) {
    const stored = await storeRendition(
      env,
      pixelsFor(kind),
      {
        assetId: target.assetId,
        tenantId: target.tenantId,
        kind,
        recipientProfileId: null,
        payloadId: kind === "teaser" ? null : (marked?.payloadId ?? null),
      },
      now,
    );
    writes.push(variantUpsert(db, stored.row));
  }
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
  return { status: "made", kinds: missing, payloadId: marked?.payloadId ?? null };
}

import { err, ok, type Result } from "@fun/core";
import { createCoreDb, mediaVariant } from "@fun/db";
import { and, eq, isNull } from "drizzle-orm";
import { makeRenditions } from "../renditions/make-renditions";
import { notRenderable, originalPixels, renditionSubject } from "../renditions/rendition-source";
import { storeRendition, variantUpsert } from "../renditions/store-rendition";
import { markCopy, payloadInsert } from "./mark-copy";

export interface MarkedVariant {
  variantId: string;
  payloadId: string;
}

export type ApplyError = "unknown_asset" | "not_renderable" | "not_published";

async function findCopy(env: MediaEnv, assetId: string, tenantId: string, recipient: string | null) {
  return createCoreDb(env.DB)
    .select({ id: mediaVariant.id, payloadId: mediaVariant.payloadId })
    .from(mediaVariant)
    .where(
      and(
        eq(mediaVariant.assetId, assetId),
        eq(mediaVariant.tenantId, tenantId),
        eq(mediaVariant.kind, "watermarked"),
        recipient === null
          ? isNull(mediaVariant.recipientProfileId)
          : eq(mediaVariant.recipientProfileId, recipient),
      ),
    )
    .get();
}

/**
 * A watermarked copy of a picture on a brand it is published on, made on demand: for a recipient
 * (a PPV buyer) a copy whose mark names them, otherwise the brand's own rendition. The caller has
 * checked who may ask. Asking again answers the copy already made.
 */
export async function applyWatermark(
  env: MediaEnv,
  request: { assetId: string; tenantId: string; recipientProfileId: string | null },
  now = Date.now(),
): Promise<Result<MarkedVariant, ApplyError>> {
  const { assetId, tenantId, recipientProfileId } = request;
  const db = createCoreDb(env.DB);
  const subject = await renditionSubject(db, assetId, tenantId);
  if (!subject) return err("unknown_asset");
  if (notRenderable(subject)) return err("not_renderable");
  if (!subject.post || !subject.live) return err("not_published");
  const found = await findCopy(env, assetId, tenantId, recipientProfileId);
  if (found?.payloadId) return ok({ variantId: found.id, payloadId: found.payloadId });

  if (recipientProfileId === null) {
    await makeRenditions(env, { assetId, tenantId }, now);
    const made = await findCopy(env, assetId, tenantId, null);
    if (!made?.payloadId) throw new Error(`the renditions of ${assetId} on ${tenantId} were not made`);
    return ok({ variantId: made.id, payloadId: made.payloadId });
  }

  const marked = await markCopy(
    env,
    await originalPixels(env, subject.asset),
    {
      tenantId,
      assetId,
      contentId: subject.post.id,
      creatorProfileId: subject.post.creatorProfileId,
      recipientProfileId,
    },
    now,
  );
  const stored = await storeRendition(
    env,
    marked.pixels,
    { assetId, tenantId, kind: "watermarked", recipientProfileId, payloadId: marked.payloadId },
    now,
  );
  await db.batch([payloadInsert(db, marked.payloadRow), variantUpsert(db, stored.row)]);
  // The row that stands (a concurrent request may have written it first, under the same key).
  const copy = await findCopy(env, assetId, tenantId, recipientProfileId);
  if (!copy?.payloadId) throw new Error(`the marked copy of ${assetId} was not recorded`);
  return ok({ variantId: copy.id, payloadId: copy.payloadId });
}

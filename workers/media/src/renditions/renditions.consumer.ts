import { createCoreDb, mediaAsset } from "@fun/db";
import { and, eq } from "drizzle-orm";
import { makeRenditions } from "./make-renditions";
import { liveTenantsOf } from "./rendition-source";

/** A message on the renditions queue: one asset's renditions for one brand. */
export interface RenditionMessage {
  assetId: string;
  tenantId: string;
}

export const RENDITIONS_QUEUE = "fun-media-renditions";
export const RENDITIONS_DEAD_LETTER_QUEUE = "fun-media-renditions-dlq";

function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ service: "media", consumer: "renditions", ...fields }));
}

const isMessage = (body: unknown): body is RenditionMessage =>
  typeof body === "object" &&
  body !== null &&
  typeof (body as RenditionMessage).assetId === "string" &&
  typeof (body as RenditionMessage).tenantId === "string";

/**
 * Queues the renditions a post's pictures need on the brands it is live on (or on the brands
 * given): after fingerprinting, and whenever the post is published or cross-posted. Messages for
 * renditions already made are cheap no-ops, so asking twice is harmless.
 */
export async function requestRenditions(
  env: MediaEnv,
  request: { contentId: string; tenantIds?: readonly string[]; assetId?: string },
): Promise<number> {
  const db = createCoreDb(env.DB);
  const [tenants, assets] = await Promise.all([
    request.tenantIds ? [...request.tenantIds] : liveTenantsOf(db, request.contentId),
    db
      .select({ id: mediaAsset.id })
      .from(mediaAsset)
      .where(
        and(
          eq(mediaAsset.contentId, request.contentId),
          eq(mediaAsset.uploadState, "stored"),
          ...(request.assetId ? [eq(mediaAsset.id, request.assetId)] : []),
        ),
      ),
  ]);
  const messages = assets.flatMap((asset) =>
    tenants.map((tenantId) => ({ body: { assetId: asset.id, tenantId } satisfies RenditionMessage })),
  );
  // sendBatch takes at most 100 messages.
  for (let i = 0; i < messages.length; i += 100)
    await env.MEDIA_RENDITIONS.sendBatch(messages.slice(i, i + 100));
  return messages.length;
}

/**
 * Makes each message's renditions on its own: an asset that cannot have renditions (blocked, taken
 * down, a video, not published there) is acknowledged; a failure is retried with a growing delay
 * and, after the last try, dead-lettered.
 */
export async function consumeRenditions(batch: MessageBatch<unknown>, env: MediaEnv): Promise<void> {
  for (const message of batch.messages) {
    if (!isMessage(message.body)) {
      log({ level: "warn", message: "not a renditions message; dropped", messageId: message.id });
      message.ack();
      continue;
    }
    try {
      const outcome = await makeRenditions(env, message.body);
      log({ level: "info", ...message.body, ...outcome });
      message.ack();
    } catch (error) {
      const thrown = error instanceof Error ? error.message : String(error);
      log({ level: "error", ...message.body, attempts: message.attempts, error: thrown });
      message.retry({ delaySeconds: Math.min(300, 10 * 2 ** (message.attempts - 1)) });
    }
  }
}

/** Renditions that failed on every try: logged for the media team (the post shows without them). */
export function consumeRenditionDeadLetters(batch: MessageBatch<unknown>): void {
  for (const message of batch.messages) {
    log({ level: "error", deadLetter: RENDITIONS_QUEUE, body: message.body });
    message.ack();
  }
}

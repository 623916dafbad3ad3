import { createCoreDb, mediaAsset } from "@fun/db";
import { eq } from "drizzle-orm";
import { requestRenditions } from "../renditions/renditions.consumer";
import { fingerprintAsset, markFailed } from "./fingerprint-asset";
import { sealOriginal } from "./seal-original";

/** A message on the ingest queue: one stored asset to fingerprint. */
export interface IngestMessage {
  assetId: string;
}

export const INGEST_QUEUE = "fun-media-ingest";
export const INGEST_DEAD_LETTER_QUEUE = "fun-media-ingest-dlq";

function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ service: "media", consumer: "ingest", ...fields }));
}

const assetIdOf = (body: unknown) =>
  typeof body === "object" && body !== null && typeof (body as IngestMessage).assetId === "string"
    ? (body as IngestMessage).assetId
    : undefined;

/**
 * Fingerprints each asset of the batch on its own, then has the vault seal its original: a bad upload is marked failed and acknowledged
 * (retrying cannot fix it), a transient failure is retried with a growing delay, and neither stops
 * the other messages of the batch.
 */
export async function consumeIngest(batch: MessageBatch<unknown>, env: MediaEnv): Promise<void> {
  for (const message of batch.messages) {
    const assetId = assetIdOf(message.body);
    if (!assetId) {
      log({ level: "warn", message: "not an ingest message; dropped", messageId: message.id });
      message.ack();
      continue;
    }
    try {
      const outcome = await fingerprintAsset(env, assetId);
      // Fingerprinting reads the plaintext; from here on the original exists only encrypted.
      const sealed = outcome.status === "unknown_asset" ? "unknown_asset" : await sealOriginal(env, assetId);
      // Also after a redelivery: the first run may have stopped before asking.
      const renditions =
        outcome.status === "ready" || outcome.status === "already_done"
          ? await renditionsAfterIngest(env, assetId)
          : 0;
      log({ level: outcome.status === "failed" ? "warn" : "info", ...outcome, original: sealed, renditions });
      message.ack();
    } catch (error) {
      const thrown = error instanceof Error ? error.message : String(error);
      log({ level: "error", assetId, attempts: message.attempts, error: thrown });
      message.retry({ delaySeconds: Math.min(300, 10 * 2 ** (message.attempts - 1)) });
    }
  }
}

/** An asset attached to a post that is already live gets its renditions now; others on publication. */
async function renditionsAfterIngest(env: MediaEnv, assetId: string): Promise<number> {
  const asset = await createCoreDb(env.DB)
    .select({ contentId: mediaAsset.contentId, blockedAt: mediaAsset.blockedAt })
    .from(mediaAsset)
    .where(eq(mediaAsset.id, assetId))
    .get();
  if (!asset?.contentId || asset.blockedAt !== null) return 0;
  return requestRenditions(env, { contentId: asset.contentId, assetId });
}

/** The dead-letter queue: assets whose fingerprinting failed on every try are marked failed. */
export async function consumeIngestDeadLetters(batch: MessageBatch<unknown>, env: MediaEnv): Promise<void> {
  for (const message of batch.messages) {
    const assetId = assetIdOf(message.body);
    if (assetId)
      await markFailed(env, assetId, "fingerprinting failed on every try; see the media worker's logs");
    message.ack();
  }
}

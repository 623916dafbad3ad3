import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { newId } from "@fun/core";
import { SEED } from "@fun/db/seed";
import expected from "../../../../testdata/pdq/expected.json";
import { consumeIngest } from "../fingerprint/ingest.consumer";

/** Test fixtures for screening: creators, stored uploads run through the real ingest consumer. */

export type Brand = keyof typeof SEED.tenants;

/** Meta's reference values for one of testdata/pdq's images. */
export function reference(file: string) {
  const image = expected.images.find((candidate) => candidate.file === file);
  if (!image) throw new Error(`no reference image ${file}`);
  return image;
}

/** A new creator profile (with its account) in the real D1. */
export async function newCreator(): Promise<string> {
  const now = Date.now();
  const accountId = newId("account", now);
  const profileId = newId("profile", now);
  const tag = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO account (id, email, status, created_at, updated_at) VALUES (?, ?, 'active', ?, ?)",
    ).bind(accountId, `creator-${tag}@fun.localhost`, now, now),
    env.DB.prepare(
      "INSERT INTO profile (id, account_id, handle, display_name, type, created_at, updated_at) VALUES (?, ?, ?, 'Creator', 'creator', ?, ?)",
    ).bind(profileId, accountId, `creator_${tag}`, now, now),
  ]);
  return profileId;
}

/**
 * An upload as `ingest:complete` leaves it: a post of `owner` (published on `brand` when asked), an
 * asset row in state `stored`, and the bytes in the bucket.
 */
export async function storedUpload(
  owner: string,
  bytes: Uint8Array,
  options: {
    mime?: string;
    brand?: Brand;
    published?: boolean;
    /** Also live on these brands (cross-posted). */
    alsoOn?: Brand[];
    visibility?: "public" | "subscribers" | "ppv";
  } = {},
): Promise<{ assetId: string; contentId: string }> {
  const now = Date.now();
  const tenantId = SEED.tenants[options.brand ?? "girlfanz"].id;
  const assetId = newId("mediaAsset", now);
  const contentId = newId("content", now);
  const key = `originals/${assetId}`;
  const statements = [
    env.DB.prepare(
      "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) VALUES (?, ?, ?, 'Upload', ?, ?, ?)",
    ).bind(contentId, owner, tenantId, options.visibility ?? "public", now, now),
    env.DB.prepare(
      "INSERT INTO media_asset (id, content_id, owner_profile_id, tenant_id, storage_key, mime, bytes, upload_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'stored', ?, ?)",
    ).bind(assetId, contentId, owner, tenantId, key, options.mime ?? "image/jpeg", bytes.length, now, now),
  ];
  const liveOn = [
    ...(options.published ? [tenantId] : []),
    ...(options.alsoOn ?? []).map((brand) => SEED.tenants[brand].id),
  ];
  for (const live of liveOn)
    statements.push(
      env.DB.prepare(
        "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
      ).bind(newId("contentTenant", now), contentId, live, now, now, now),
    );
  await env.DB.batch(statements);
  await env.MEDIA_BUCKET.put(key, bytes);
  return { assetId, contentId };
}

/**
 * Publishes a post on a brand after ingest (ingesting an already-live post queues its renditions,
 * which the queue would then make in the background, racing the test).
 */
export async function publishOn(contentId: string, brand: Brand) {
  const now = Date.now();
  await env.DB.prepare(
    "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
  )
    .bind(newId("contentTenant", now), contentId, SEED.tenants[brand].id, now, now, now)
    .run();
}

/** Runs the real ingest consumer over these assets, as the queue would deliver them. */
export async function ingest(...assetIds: string[]) {
  const batch = createMessageBatch(
    "fun-media-ingest",
    assetIds.map((assetId) => ({
      id: `m-${assetId}`,
      timestamp: new Date(),
      attempts: 1,
      body: { assetId },
    })),
  );
  await consumeIngest(batch, env);
  const result = await getQueueResult(batch, createExecutionContext());
  if (result.retryMessages.length > 0)
    throw new Error(`ingest asked to retry ${JSON.stringify(result.retryMessages)}`);
}

/** An uploaded image, fingerprinted and screened by ingest. */
export async function ingested(
  owner: string,
  bytes: ArrayBuffer,
  options: Parameters<typeof storedUpload>[2] = {},
) {
  const upload = await storedUpload(owner, new Uint8Array(bytes), options);
  await ingest(upload.assetId);
  return upload;
}

export const row = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...params)
    .first<T>();

export const rows = async <T = Record<string, unknown>>(sql: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;

/** Outbox events of a type whose data mentions `subject`. */
export async function eventsAbout(type: string, subject: string) {
  const found = await rows<{ payload: string }>(
    "SELECT payload FROM outbox WHERE type = ? AND payload LIKE ?",
    type,
    `%${subject}%`,
  );
  return found.map((event) => JSON.parse(event.payload).data as Record<string, unknown>);
}

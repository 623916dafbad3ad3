/**
 * The vault benchmark worker: the real vault app (its delivery path on `media.girlfanz.localhost`),
 * plus `/bench/setup`, which stores the benchmark's objects, and `/bench/plain/:size`, a plain R2
 * passthrough of a same-sized unencrypted object: the baseline the full path is measured against.
 * Run only by `npm run bench`.
 */
import { newId } from "../../packages/core/src";
import { signMediaToken } from "../../workers/vault/src/delivery/media-token";
import { mediaTokenKeys } from "../../workers/vault/src/delivery/token-keys";
import { createVaultApp } from "../../workers/vault/src/index";
import { storeObject } from "../../workers/vault/src/objects/vault-objects";

export const BENCH_SIZES = { "1k": 1024, "10m": 10 * 1024 * 1024 } as const;
type Size = keyof typeof BENCH_SIZES;

/** The seeded demo creator and the girlfanz brand (packages/db/src/seed). */
async function seeded(db: D1Database) {
  const row = await db
    .prepare(
      "SELECT p.id AS profile, t.id AS tenant FROM profile p, tenant t WHERE p.handle = 'demo_creator' AND t.slug = 'girlfanz'",
    )
    .first<{ profile: string; tenant: string }>();
  if (!row) throw new Error("the stack's demo seed is missing");
  return row;
}

function filled(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  return bytes;
}

/**
 * Stores, per size, a public post's watermarked rendition through the vault and a plain copy for the
 * passthrough, and answers the paths to request (tokens valid for an hour, for the whole run).
 */
async function setup(env: VaultEnv): Promise<Record<Size, { full: string; plain: string }>> {
  const { profile, tenant } = await seeded(env.DB);
  const out = {} as Record<Size, { full: string; plain: string }>;
  for (const [name, size] of Object.entries(BENCH_SIZES) as [Size, number][]) {
    const now = Date.now();
    const contentId = newId("content", now);
    const assetId = newId("mediaAsset", now);
    const storageKey = `vault/bench/${assetId}`;
    const bytes = filled(size);
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) VALUES (?, ?, ?, 'Bench', 'public', ?, ?)",
      ).bind(contentId, profile, tenant, now, now),
      env.DB.prepare(
        "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
      ).bind(newId("contentTenant", now), contentId, tenant, now, now, now),
      env.DB.prepare(
        "INSERT INTO media_asset (id, content_id, owner_profile_id, tenant_id, storage_key, mime, bytes, upload_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'video/mp4', ?, 'stored', ?, ?)",
      ).bind(assetId, contentId, profile, tenant, `originals/${assetId}`, size, now, now),
      env.DB.prepare(
        "INSERT INTO media_variant (id, asset_id, tenant_id, kind, storage_key, created_at) VALUES (?, ?, ?, 'watermarked', ?, ?)",
      ).bind(newId("mediaVariant", now), assetId, tenant, storageKey, now),
    ]);
    await storeObject(env, {
      storageKey,
      tenantId: tenant,
      contentType: "video/mp4",
      plainSize: size,
      body: new Blob([bytes]).stream(),
    });
    await env.MEDIA_BUCKET.put(`bench/plain/${name}`, bytes, { httpMetadata: { contentType: "video/mp4" } });
    const { token } = await signMediaToken(
      mediaTokenKeys(env),
      { a: assetId, v: "watermarked", t: tenant, p: null },
      { ttlSeconds: 3600 },
    );
    out[name] = {
      full: `/v1/media/${assetId}/watermarked?token=${encodeURIComponent(token)}`,
      plain: `/bench/plain/${name}`,
    };
  }
  return out;
}

const app = createVaultApp({
  extraRoutes: (routes) => {
    routes.get("/bench/ready", (c) => c.json({ ok: true }));
    routes.post("/bench/setup", async (c) => c.json(await setup(c.env)));
    routes.get("/bench/plain/:size", async (c) => {
      const object = await c.env.MEDIA_BUCKET.get(`bench/plain/${c.req.param("size")}`);
      if (!object) return c.json({ error: "not stored" }, 404);
      return new Response(object.body, {
        headers: {
          "content-type": "video/mp4",
          "content-length": String(object.size),
          etag: object.httpEtag,
        },
      });
    });
  },
});

export default { fetch: app.fetch };

import { env } from "cloudflare:workers";
import { newId } from "@fun/core";
import { SEED } from "@fun/db/seed";
import { callWorker, expectProblem } from "@fun/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { storeObject } from "../objects/vault-objects";
import { GEO_OVERRIDE_HEADER } from "./geo";
import { signMediaToken } from "./media-token";
import { signMediaLink } from "./sign-link";
import { mediaTokenKeys } from "./token-keys";

type Brand = keyof typeof SEED.tenants;
const CHUNK = 64 * 1024;
const creator = SEED.profiles.creator.id;
const fan = SEED.profiles.fan.id;

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536)
    crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  return out;
}

const run = (sql: string, ...params: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...params)
    .run();

// Before any request reads the brands: daddyfanz refuses viewers in KP.
beforeAll(async () => {
  await run(
    "UPDATE tenant SET settings = json_set(settings, '$.jurisdiction.blockedCountries', json('[\"KP\"]')) WHERE id = ?",
    SEED.tenants.daddyfanz.id,
  );
});

/** A post live on `brand` with one asset whose `variant` the vault stores encrypted. */
async function servedMedia(options: {
  visibility?: "public" | "subscribers" | "ppv";
  brand?: Brand;
  variant?: string;
  bytes?: Uint8Array;
  published?: boolean;
}) {
  const now = Date.now();
  const brand = options.brand ?? "girlfanz";
  const tenantId = SEED.tenants[brand].id;
  const contentId = newId("content", now);
  const assetId = newId("mediaAsset", now);
  const variant = options.variant ?? "watermarked";
  const storageKey = `vault/variants/${assetId}/${brand}/${variant}`;
  const plain = options.bytes ?? randomBytes(3 * CHUNK + 500);
  const visibility = options.visibility ?? "public";
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, price_cents, created_at, updated_at) VALUES (?, ?, ?, 'Post', ?, ?, ?, ?)",
    ).bind(contentId, creator, tenantId, visibility, visibility === "ppv" ? 500 : 0, now, now),
    env.DB.prepare(
      "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).bind(
      newId("contentTenant", now),
      contentId,
      tenantId,
      options.published === false ? "hidden" : "published",
      now,
      now,
      now,
    ),
    env.DB.prepare(
      "INSERT INTO media_asset (id, content_id, owner_profile_id, tenant_id, storage_key, mime, bytes, upload_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'video/mp4', ?, 'stored', ?, ?)",
    ).bind(assetId, contentId, creator, tenantId, `originals/${assetId}`, plain.length, now, now),
    env.DB.prepare(
      "INSERT INTO media_variant (id, asset_id, tenant_id, kind, storage_key, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).bind(newId("mediaVariant", now), assetId, tenantId, variant, storageKey, now),
  ]);
  const object = await storeObject(env, {
    storageKey,
    tenantId,
    contentType: "video/mp4",
    plainSize: plain.length,
    body: new Blob([plain]).stream(),
  });
  return { assetId, contentId, variant, plain, brand, sha256: object.sha256 };
}

async function link(
  media: { assetId: string; variant: string; brand: Brand },
  viewer: string | null,
  ttlSeconds?: number,
  copyId?: string,
) {
  const { token } = await signMediaToken(
    mediaTokenKeys(env),
    {
      a: media.assetId,
      v: media.variant,
      t: SEED.tenants[media.brand].id,
      p: viewer,
      ...(copyId ? { c: copyId } : {}),
    },
    ttlSeconds === undefined ? {} : { ttlSeconds },
  );
  return `/v1/media/${media.assetId}/${media.variant}?token=${encodeURIComponent(token)}`;
}

const get = (path: string, brand: Brand = "girlfanz", headers: Record<string, string> = {}) =>
  callWorker(path, { host: `media.${brand}.localhost`, headers });

const body = async (response: Response) => new Uint8Array(await response.arrayBuffer());

describe("the media delivery path", () => {
  it("streams a public post's rendition decrypted, with validators, and answers conditional requests", async () => {
    const media = await servedMedia({});
    const response = await get(await link(media, fan));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("etag")).toBe(`"${media.sha256}"`);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("cache-control")).toBe("private, max-age=300");
    expect(response.headers.get("content-length")).toBe(String(media.plain.length));
    expect(await body(response)).toEqual(media.plain);

    const path = await link(media, fan);
    const again = await get(path, "girlfanz", { "if-none-match": `"${media.sha256}"` });
    expect(again.status).toBe(304);
    const since = await get(path, "girlfanz", {
      "if-modified-since": new Date(Date.now() + 60_000).toUTCString(),
    });
    expect(since.status).toBe(304);
  });

  it("serves single ranges (first byte, last byte, suffix, across chunks) and 416 past the end", async () => {
    const media = await servedMedia({});
    const size = media.plain.length;
    const path = await link(media, fan);
    for (const [header, start, end] of [
      ["bytes=0-0", 0, 0],
      [`bytes=${size - 1}-`, size - 1, size - 1],
      ["bytes=-700", size - 700, size - 1],
      [`bytes=${CHUNK - 10}-${2 * CHUNK + 10}`, CHUNK - 10, 2 * CHUNK + 10],
    ] as const) {
      const response = await get(path, "girlfanz", { range: header });
      expect(response.status, header).toBe(206);
      expect(response.headers.get("content-range")).toBe(`bytes ${start}-${end}/${size}`);
      expect(await body(response)).toEqual(media.plain.slice(start, end + 1));
    }
    const beyond = await get(path, "girlfanz", { range: `bytes=${size}-` });
    await expectProblem(beyond, 416, "range_not_satisfiable");
    expect(beyond.headers.get("content-range")).toBe(`bytes */${size}`);
  });

  it("refuses tampered, expired, wrong-host and wrong-variant links", async () => {
    const media = await servedMedia({});
    const path = await link(media, fan);
    const token = new URL(`http://x${path}`).searchParams.get("token") ?? "";
    const tampered = path.replace(encodeURIComponent(token), encodeURIComponent(`${token.slice(0, -2)}AA`));
    await expectProblem(await get(tampered), 403, "forbidden");
    await expectProblem(await get(await link(media, fan, -1)), 403, "forbidden");
    await expectProblem(await get(path, "pupfanz"), 403, "forbidden");
    await expectProblem(await get(path.replace("/watermarked?", "/thumb?")), 403, "forbidden");
    await expectProblem(await get(`/v1/media/${media.assetId}/watermarked`), 401, "unauthenticated");
    await expectProblem(await callWorker(path, { host: "media.nowhere.localhost" }), 404, "unknown_host");
  });

  it("serves subscribers-only media to active subscribers, the creator and staff only", async () => {
    const media = await servedMedia({ visibility: "subscribers" });
    await expectProblem(await get(await link(media, fan)), 403, "forbidden");
    await expectProblem(await get(await link(media, null)), 403, "forbidden");
    const now = Date.now();
    const planId = newId("plan", now);
    await run(
      "INSERT INTO subscription_plan (id, creator_profile_id, name, price_cents, interval, created_at) VALUES (?, ?, 'Fans', 999, 'month', ?)",
      planId,
      creator,
      now,
    );
    const subscriptionId = newId("subscription", now);
    await run(
      "INSERT INTO subscription (id, tenant_id, fan_profile_id, plan_id, status, current_period_end, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
      subscriptionId,
      SEED.tenants.girlfanz.id,
      fan,
      planId,
      now - 1000,
      now,
      now,
    );
    // Lapsed: the period ended.
    await expectProblem(await get(await link(media, fan)), 403, "forbidden");
    await run(
      "UPDATE subscription SET current_period_end = ? WHERE id = ?",
      now + 86_400_000,
      subscriptionId,
    );
    expect((await get(await link(media, fan))).status).toBe(200);
    expect((await get(await link(media, creator))).status).toBe(200);
    expect((await get(await link(media, SEED.profiles.staff.id))).status).toBe(200);
    // The teaser is the preview anyone may see.
    const teaser = await servedMedia({ visibility: "subscribers", variant: "teaser" });
    expect((await get(await link(teaser, null))).status).toBe(200);
  });

  it("serves pay-per-view media to buyers only, not after a refund", async () => {
    const media = await servedMedia({ visibility: "ppv" });
    const now = Date.now();
    const purchaseId = newId("purchase", now);
    await run(
      "INSERT INTO purchase (id, tenant_id, fan_profile_id, creator_profile_id, kind, content_id, amount_cents, currency, status, provider, created_at, updated_at) VALUES (?, ?, ?, ?, 'ppv', ?, 500, 'USD', 'refunded', 'stripe', ?, ?)",
      purchaseId,
      SEED.tenants.girlfanz.id,
      fan,
      creator,
      media.contentId,
      now,
      now,
    );
    await expectProblem(await get(await link(media, fan)), 403, "forbidden");
    await run("UPDATE purchase SET status = 'succeeded' WHERE id = ?", purchaseId);
    expect((await get(await link(media, fan))).status).toBe(200);
  });

  it("never serves blocked or unpublished media, and follows the brand's geo rules", async () => {
    const blocked = await servedMedia({});
    await run("UPDATE media_asset SET blocked_at = ? WHERE id = ?", Date.now(), blocked.assetId);
    await expectProblem(await get(await link(blocked, creator)), 404, "not_found");
    const hidden = await servedMedia({ published: false });
    await expectProblem(await get(await link(hidden, fan)), 404, "not_found");
    expect((await get(await link(hidden, creator))).status).toBe(200);

    const daddy = await servedMedia({ brand: "daddyfanz" });
    const path = await link(daddy, fan);
    await expectProblem(
      await get(path, "daddyfanz", { [GEO_OVERRIDE_HEADER]: "KP" }),
      451,
      "unavailable_for_legal_reasons",
    );
    expect((await get(path, "daddyfanz", { [GEO_OVERRIDE_HEADER]: "DE" })).status).toBe(200);
  });

  it("revokes every link of a taken-down asset, the creator's too, and signs no new ones", async () => {
    const media = await servedMedia({});
    const before = await link(media, creator);
    expect((await get(before)).status).toBe(200);
    await run(
      "INSERT INTO media_takedown (id, asset_id, actor, reason, created_at) VALUES (?, ?, 'creator', 'leaked', ?)",
      newId("mediaTakedown"),
      media.assetId,
      Date.now(),
    );
    await expectProblem(await get(before), 410, "gone");
    await expectProblem(await get(await link(media, null)), 410, "gone");
    expect(
      await signMediaLink(env, {
        assetId: media.assetId,
        variant: media.variant,
        tenantId: SEED.tenants.girlfanz.id,
        viewerProfileId: creator,
      }),
    ).toEqual({ ok: false, error: "revoked" });
  });

  it("serves a viewer's own marked copy in place of the brand's, and a copy-bound link that copy only", async () => {
    const media = await servedMedia({ visibility: "ppv" });
    const own = randomBytes(1000);
    const copyId = newId("mediaVariant");
    const copyKey = `vault/variants/${media.assetId}/girlfanz/watermarked/${fan}`;
    await run(
      "INSERT INTO media_variant (id, asset_id, tenant_id, kind, storage_key, recipient_profile_id, created_at) VALUES (?, ?, ?, 'watermarked', ?, ?, ?)",
      copyId,
      media.assetId,
      SEED.tenants.girlfanz.id,
      copyKey,
      fan,
      Date.now(),
    );
    await storeObject(env, {
      storageKey: copyKey,
      tenantId: SEED.tenants.girlfanz.id,
      contentType: "image/jpeg",
      plainSize: own.length,
      body: new Blob([own]).stream(),
    });
    await run(
      "INSERT INTO purchase (id, tenant_id, fan_profile_id, creator_profile_id, kind, content_id, amount_cents, currency, status, provider, created_at, updated_at) VALUES (?, ?, ?, ?, 'ppv', ?, 500, 'USD', 'succeeded', 'stripe', ?, ?)",
      newId("purchase"),
      SEED.tenants.girlfanz.id,
      fan,
      creator,
      media.contentId,
      Date.now(),
      Date.now(),
    );
    // The buyer gets their own copy; the creator the brand's rendition, or the buyer's with a link made for it.
    expect(await body(await get(await link(media, fan)))).toEqual(own);
    expect(await body(await get(await link(media, creator)))).toEqual(media.plain);
    expect(await body(await get(await link(media, creator, undefined, copyId)))).toEqual(own);
    // A link bound to a copy of another asset finds nothing here.
    const other = await servedMedia({});
    await expectProblem(await get(await link(other, creator, undefined, copyId)), 404, "not_found");
  });
});

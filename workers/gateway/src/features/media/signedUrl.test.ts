import { env } from "cloudflare:workers";
import { newId } from "@fun/core";
import { SEED } from "@fun/db/seed";
import { callBrand, callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { as } from "./media.testing";

/** A post live on girlfanz whose watermarked rendition the vault stores (through its RPC). */
async function renderedPost(visibility: "public" | "subscribers") {
  const now = Date.now();
  const tenantId = SEED.tenants.girlfanz.id;
  const contentId = newId("content", now);
  const assetId = newId("mediaAsset", now);
  const storageKey = `vault/variants/${assetId}/girlfanz/watermarked`;
  const plain = new Uint8Array(70_000);
  crypto.getRandomValues(plain.subarray(0, 65_536));
  crypto.getRandomValues(plain.subarray(65_536));
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) VALUES (?, ?, ?, 'Post', ?, ?, ?)",
    ).bind(contentId, SEED.profiles.creator.id, tenantId, visibility, now, now),
    env.DB.prepare(
      "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
    ).bind(newId("contentTenant", now), contentId, tenantId, now, now, now),
    env.DB.prepare(
      "INSERT INTO media_asset (id, content_id, owner_profile_id, tenant_id, storage_key, mime, bytes, upload_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'image/jpeg', ?, 'stored', ?, ?)",
    ).bind(
      assetId,
      contentId,
      SEED.profiles.creator.id,
      tenantId,
      `originals/${assetId}`,
      plain.length,
      now,
      now,
    ),
    env.DB.prepare(
      "INSERT INTO media_variant (id, asset_id, tenant_id, kind, storage_key, created_at) VALUES (?, ?, ?, 'watermarked', ?, ?)",
    ).bind(newId("mediaVariant", now), assetId, tenantId, storageKey, now),
  ]);
  await env.VAULT.storeObject({
    storageKey,
    tenantId,
    contentType: "image/jpeg",
    plainSize: plain.length,
    body: new Blob([plain]).stream(),
  });
  return { assetId, plain };
}

const signedUrl = (assetId: string, headers: Record<string, string> = {}, query = "") =>
  callBrand("GET", `/v1/vault/assets/${assetId}:signedUrl${query}`, headers);

describe("GET /v1/vault/assets/{assetId}:signedUrl", () => {
  it("gives anyone a link to a public post's rendition, which the brand's media host serves decrypted", async () => {
    const { assetId, plain } = await renderedPost("public");
    const response = await signedUrl(assetId);
    expect(response.status).toBe(200);
    const { url, expiresAt } = (await response.json()) as { url: string; expiresAt: string };
    expect(url).toMatch(
      new RegExp(`^http://media\\.girlfanz\\.localhost(:\\d+)?/v1/media/${assetId}/watermarked\\?token=`),
    );
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const served = await callWorker(url.replace(/^http:\/\/[^/]+/, ""), { host: "media.girlfanz.localhost" });
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(plain);
  });

  it("gives links to subscribers-only media only to those entitled now", async () => {
    const { assetId } = await renderedPost("subscribers");
    await expectProblem(await signedUrl(assetId), 403, "forbidden");
    await expectProblem(await signedUrl(assetId, await as(SEED.accounts.fan.id)), 403, "forbidden");
    expect((await signedUrl(assetId, await as(SEED.accounts.creator.id))).status).toBe(200);
    expect((await signedUrl(assetId, await as(SEED.accounts.staff.id))).status).toBe(200);
  });

  it("answers 404 for another brand where the post is not live, a missing rendition or an unknown asset", async () => {
    const { assetId } = await renderedPost("public");
    await expectProblem(await signedUrl(assetId, {}, "?tenant=pupfanz"), 404, "not_found");
    await expectProblem(await signedUrl(assetId, {}, "?variant=thumb"), 404, "not_found");
    await expectProblem(await signedUrl("ast_01JZ0000000000000000000000"), 404, "not_found");
    await expectProblem(await signedUrl(assetId, {}, "?variant=original"), 400, "validation_failed");
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import PEN from "../../../../testdata/pdq/pen-and-coaster.png";
import { ingest, newCreator, row, storedUpload } from "../screening/screening.testing";
import { sealedOriginalKey, sealOriginal } from "./seal-original";

describe("sealing originals", () => {
  it("hands the fingerprinted original to the vault and leaves no plaintext behind", async () => {
    const creator = await newCreator();
    const plain = new Uint8Array(PEN);
    const { assetId } = await storedUpload(creator, plain, { mime: "image/png" });
    const uploadedKey = (
      await row<{ storage_key: string }>("SELECT storage_key FROM media_asset WHERE id = ?", assetId)
    )?.storage_key;
    await ingest(assetId);

    const asset = await row<{ storage_key: string; checksum_sha256: string }>(
      "SELECT storage_key, checksum_sha256 FROM media_asset WHERE id = ?",
      assetId,
    );
    expect(asset?.storage_key).toBe(sealedOriginalKey(assetId));
    expect(await env.MEDIA_BUCKET.head(uploadedKey ?? "")).toBeNull();
    const sealed = await env.VAULT.describeObject(sealedOriginalKey(assetId));
    expect(sealed).toMatchObject({
      plainSize: plain.length,
      contentType: "image/png",
      sha256: asset?.checksum_sha256,
    });
    const stored = new Uint8Array(
      (await (await env.MEDIA_BUCKET.get(sealedOriginalKey(assetId)))?.arrayBuffer()) ?? new ArrayBuffer(0),
    );
    expect(stored.length).toBeGreaterThan(plain.length);
    expect(stored.subarray(0, 16)).not.toEqual(plain.subarray(0, 16));

    // Again (a redelivery): nothing more to do.
    expect(await sealOriginal(env, assetId)).toBe("already_sealed");
  });

  it("finishes a seal interrupted after the vault stored the copy", async () => {
    const creator = await newCreator();
    const { assetId } = await storedUpload(creator, new Uint8Array(PEN), { mime: "image/png" });
    const uploadedKey = `originals/${assetId}`;
    // The vault holds the copy and the plaintext is gone, but the asset still points at it.
    const plaintext = await env.MEDIA_BUCKET.get(uploadedKey);
    if (!plaintext) throw new Error("the upload is missing");
    await env.VAULT.storeObject({
      storageKey: sealedOriginalKey(assetId),
      tenantId:
        (await row<{ tenant_id: string }>("SELECT tenant_id FROM media_asset WHERE id = ?", assetId))
          ?.tenant_id ?? "",
      contentType: "image/png",
      plainSize: plaintext.size,
      body: plaintext.body,
    });
    await env.MEDIA_BUCKET.delete(uploadedKey);
    expect(await sealOriginal(env, assetId)).toBe("sealed");
    expect(
      (await row<{ storage_key: string }>("SELECT storage_key FROM media_asset WHERE id = ?", assetId))
        ?.storage_key,
    ).toBe(sealedOriginalKey(assetId));
    expect(await sealOriginal(env, "ast_01JZ0000000000000000000000")).toBe("unknown_asset");
  });
});

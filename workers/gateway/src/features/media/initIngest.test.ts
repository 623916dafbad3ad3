import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { callBrand, eventually, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import BRIDGE from "../../../../../testdata/pdq/bridge-1-original.jpg";
import { as } from "./media.testing";
import {
  assetRow,
  complete,
  creatorAccount,
  creatorPost,
  fileOf,
  initUploads,
  MAGIC,
  MiB,
  multipart,
  putTo,
  sha256Hex,
  single,
  uploadRow,
} from "./uploads.testing";

const creator = SEED.profiles.creator.id;

async function fingerprintOf(assetId: string) {
  const response = await callBrand("GET", `/v1/media/${assetId}/fingerprint`, await as(creatorAccount));
  expect(response.status).toBe(200);
  return (await response.json()) as { status: string; sha256: string | null; pdq: unknown; mime: string };
}

describe("POST /v1/media/ingest:init and ingest:complete", () => {
  it("uploads a photo end to end: one PUT to the upload host, then stored, queued and fingerprinted", async () => {
    const photo = new Uint8Array(BRIDGE);
    const sha256 = await sha256Hex(photo);
    const [started] = await initUploads([{ mime: "image/jpeg", bytes: photo.length, sha256 }]);
    expect(started).toMatchObject({
      mime: "image/jpeg",
      bytes: photo.length,
      assetId: expect.stringMatching(/^ast_/),
    });
    const target = single(started);
    expect(target.url.startsWith(`http://upload.localhost:8787/upload/${started?.assetId}?`)).toBe(true);
    expect(Date.parse(target.expiresAt)).toBeGreaterThan(Date.now());
    const assetId = started?.assetId ?? "";
    expect(await assetRow(assetId)).toMatchObject({
      upload_state: "uploading",
      owner_profile_id: creator,
      tenant_id: SEED.tenants.girlfanz.id,
      content_id: null,
    });

    const sent = await putTo(target.url, photo, { "content-type": "image/jpeg" });
    expect(sent.status).toBe(200);
    expect(sent.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);

    const done = await complete({ assetId });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({
      assetId,
      contentId: null,
      state: "stored",
      mime: "image/jpeg",
      bytes: photo.length,
      sha256,
    });
    expect(await assetRow(assetId)).toMatchObject({ upload_state: "stored", checksum_sha256: sha256 });
    expect(await uploadRow(assetId)).toBeNull();

    // The ingest queue reaches the media worker's consumer, which fingerprints the stored bytes.
    const ready = await eventually(async () => {
      const fingerprint = await fingerprintOf(assetId);
      return fingerprint.status === "pending" ? undefined : fingerprint;
    }, 20_000);
    expect(ready).toMatchObject({
      status: "ready",
      sha256,
      mime: "image/jpeg",
      pdq: { hash: expect.any(String) },
    });

    // Completing again (a retry after a lost answer) answers the same.
    const again = await complete({ assetId });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ assetId, state: "stored", sha256 });
  }, 30_000);

  it("uploads a large video in parts of at least 5 MiB, in any order, and completes from the recorded parts", async () => {
    const video = fileOf(11 * MiB, MAGIC.mp4);
    const contentId = await creatorPost();
    const response = await callBrand("POST", `/v1/content/${contentId}/assets`, await as(creatorAccount), {
      files: [{ mime: "video/mp4", bytes: video.length, partSize: 5 * MiB }],
    });
    expect(response.status).toBe(201);
    const [started] = ((await response.json()) as { assets: Parameters<typeof multipart>[0][] }).assets;
    const { partSize, partCount, parts } = multipart(started);
    expect({ partSize, partCount }).toEqual({ partSize: 5 * MiB, partCount: 3 });
    for (const part of [...parts].reverse()) {
      const from = (part.partNumber - 1) * partSize;
      const sent = await putTo(part.url, video.slice(from, from + part.bytes));
      expect(sent.status).toBe(200);
    }
    const assetId = started?.assetId ?? "";
    const done = await complete({ assetId });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      assetId,
      contentId,
      state: "stored",
      bytes: video.length,
      sha256: await sha256Hex(video),
    });
    expect(await assetRow(assetId)).toMatchObject({ upload_state: "stored", content_id: contentId });
    const ready = await eventually(async () => {
      const fingerprint = await fingerprintOf(assetId);
      return fingerprint.status === "pending" ? undefined : fingerprint;
    }, 20_000);
    expect(ready).toMatchObject({ status: "ready", sha256: await sha256Hex(video), pdq: null });
  }, 30_000);

  it("plans the blueprint's 700 MB video as 44 parts of 16 MiB", async () => {
    const [started] = await initUploads([{ mime: "video/mp4", bytes: 734_003_200 }]);
    const plan = multipart(started);
    expect({ partSize: plan.partSize, partCount: plan.partCount }).toEqual({
      partSize: 16 * MiB,
      partCount: 44,
    });
    expect(plan.parts.map((p) => p.partNumber)).toEqual(Array.from({ length: 44 }, (_, i) => i + 1));
    expect(plan.parts.at(-1)?.bytes).toBe(734_003_200 - 43 * 16 * MiB);
    expect(new Set(plan.parts.map((p) => p.url)).size).toBe(44);
  });

  it("starts several files at once, each its own asset", async () => {
    const started = await initUploads([
      { mime: "image/png", bytes: 1000 },
      { mime: "video/webm", bytes: 2000 },
    ]);
    expect(started.map((s) => s.mime)).toEqual(["image/png", "video/webm"]);
    expect(new Set(started.map((s) => s.assetId)).size).toBe(2);
  });

  it("applies each brand's types and limits: pupfanz takes photos up to 20 MiB and no WebM", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM media_asset").first<{ n: number }>();
    const refused = await callBrand(
      "POST",
      "/v1/media/ingest:init",
      await as(creatorAccount, "pupfanz"),
      {
        files: [
          { mime: "image/jpeg", bytes: 1000 },
          { mime: "image/png", bytes: 25 * MiB },
          { mime: "video/webm", bytes: 1000 },
        ],
      },
      "pupfanz",
    );
    const problem = await expectProblem(refused, 400, "validation_failed");
    expect(problem.errors).toEqual([
      { location: "body", path: "files.1.bytes", message: expect.stringContaining("at most 20 MiB") },
      {
        location: "body",
        path: "files.2.mime",
        message: expect.stringContaining("pupfanz does not accept video/webm"),
      },
    ]);
    // One refused file refuses the request: nothing was recorded.
    const after = await env.DB.prepare("SELECT count(*) AS n FROM media_asset").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);

    // girlfanz takes both.
    const started = await initUploads([
      { mime: "image/png", bytes: 25 * MiB },
      { mime: "video/webm", bytes: 1000 },
    ]);
    expect(started).toHaveLength(2);
  });

  it("refuses malformed requests, naming each wrong field", async () => {
    const headers = await as(creatorAccount);
    const cases: [unknown, string][] = [
      [{ files: [] }, "files"],
      [{ files: [{ mime: "image/png", bytes: 0 }] }, "files.0.bytes"],
      [{ files: [{ mime: "text/html", bytes: 10 }] }, "files.0.mime"],
      [{ files: [{ mime: "image/png", bytes: 10, sha256: "abc" }] }, "files.0.sha256"],
      [{ files: [{ mime: "video/mp4", bytes: 10, partSize: MiB }] }, "files.0.partSize"],
      [{ files: [{ mime: "image/png", bytes: 10 }], ownerProfileId: creator }, "(root)"],
      [{ files: [{ mime: "image/png", bytes: 10 }], contentId: "nope" }, "contentId"],
    ];
    for (const [body, path] of cases) {
      const problem = await expectProblem(
        await callBrand("POST", "/v1/media/ingest:init", headers, body),
        400,
        "validation_failed",
      );
      expect(
        problem.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
  });
});

import { callBrand, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { as } from "./media.testing";
import {
  assetRow,
  complete,
  creatorAccount,
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

/** Starts a single-PUT upload and sends `bytes` to it. */
async function uploaded(
  declared: Record<string, unknown>,
  bytes: Uint8Array<ArrayBuffer>,
  brand: "girlfanz" | "pupfanz" = "girlfanz",
) {
  const [started] = await initUploads([{ bytes: bytes.length, ...declared }], { brand });
  expect((await putTo(single(started).url, bytes)).status).toBe(200);
  return started?.assetId ?? "";
}

describe("POST /v1/media/ingest:complete refusing what is not what was declared", () => {
  it("refuses a PNG declared as video/mp4: 422 naming both types, the asset failed, its upload gone", async () => {
    const assetId = await uploaded({ mime: "video/mp4" }, fileOf(4096, MAGIC.png));
    const problem = await expectProblem(await complete({ assetId }), 422, "unprocessable_content");
    expect(problem.detail).toContain("declared video/mp4 but its bytes are image/png");
    expect(await assetRow(assetId)).toMatchObject({
      upload_state: "failed",
      failure_reason: "the file was declared video/mp4 but its bytes are image/png",
      checksum_sha256: null,
    });
    expect(await uploadRow(assetId)).toBeNull();
    // Its status says why; completing again does not change it.
    const status = await callBrand("GET", `/v1/media/${assetId}/upload`, await as(creatorAccount));
    expect(await status.json()).toMatchObject({
      state: "failed",
      failureReason: expect.stringContaining("image/png"),
      upload: null,
    });
    await expectProblem(await complete({ assetId }), 409, "conflict");
  });

  it("refuses bytes whose SHA-256 is not the declared one", async () => {
    const file = fileOf(4096, MAGIC.png);
    const declared = await sha256Hex(fileOf(4096, MAGIC.png));
    const assetId = await uploaded({ mime: "image/png", sha256: declared.toUpperCase() }, file);
    const problem = await expectProblem(await complete({ assetId }), 422, "unprocessable_content");
    expect(problem.detail).toContain(`SHA-256 is ${await sha256Hex(file)} but ${declared} was declared`);
    expect(await assetRow(assetId)).toMatchObject({ upload_state: "failed" });
  });

  it("refuses bytes of no type it recognises, and a real type the brand does not accept", async () => {
    const noise = await uploaded(
      { mime: "image/png" },
      new Uint8Array(new TextEncoder().encode("<html>not an image</html>")),
    );
    const unknown = await expectProblem(await complete({ assetId: noise }), 422, "unprocessable_content");
    expect(unknown.detail).toContain("not a type we recognise");

    // Declared as MP4 (which pupfanz takes), the bytes are WebM (which it does not).
    const webm = await uploaded({ mime: "video/mp4" }, fileOf(4096, MAGIC.webm), "pupfanz");
    const refused = await expectProblem(
      await complete({ assetId: webm }, creatorAccount, "pupfanz"),
      422,
      "unprocessable_content",
    );
    expect(refused.detail).toContain("video/webm");
  });

  it("keeps the upload open with 409 while nothing or not every part has arrived", async () => {
    const [photo] = await initUploads([{ mime: "image/png", bytes: 100 }]);
    const nothing = await expectProblem(await complete({ assetId: photo?.assetId }), 409, "conflict");
    expect(nothing.detail).toContain("Nothing has been uploaded yet");
    expect(await assetRow(photo?.assetId ?? "")).toMatchObject({ upload_state: "uploading" });

    const video = fileOf(11 * MiB, MAGIC.mp4);
    const [started] = await initUploads([{ mime: "video/mp4", bytes: video.length, partSize: 5 * MiB }]);
    const { parts } = multipart(started);
    const assetId = started?.assetId ?? "";
    const second = parts[1];
    if (!second) throw new Error("part 2 expected");
    expect((await putTo(second.url, video.slice(5 * MiB, 10 * MiB))).status).toBe(200);
    const missing = await expectProblem(await complete({ assetId }), 409, "conflict");
    expect(missing.detail).toContain("missing: part 1, 3");
    expect(await uploadRow(assetId)).not.toBeNull();

    // A part claimed with an ETag other than the one received is named.
    const wrong = await expectProblem(
      await complete({ assetId, parts: [{ partNumber: 2, etag: "0123456789abcdef" }] }),
      400,
      "validation_failed",
    );
    expect(wrong.errors).toEqual([
      { location: "body", path: "parts.0.etag", message: expect.stringContaining("another ETag") },
    ]);

    for (const part of [parts[0], parts[2]]) {
      if (!part) continue;
      const from = (part.partNumber - 1) * 5 * MiB;
      expect((await putTo(part.url, video.slice(from, from + part.bytes))).status).toBe(200);
    }
    const done = await complete({ assetId });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ state: "stored", sha256: await sha256Hex(video) });
  }, 30_000);

  it("refuses a malformed completion naming the field", async () => {
    const headers = await as(creatorAccount);
    for (const [body, path] of [
      [{}, "assetId"],
      [{ assetId: "ast_nope" }, "assetId"],
      [
        { assetId: "ast_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q", parts: [{ partNumber: 0, etag: "x" }] },
        "parts.0.partNumber",
      ],
    ] as const) {
      const problem = await expectProblem(
        await callBrand("POST", "/v1/media/ingest:complete", headers, body),
        400,
        "validation_failed",
      );
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    await expectProblem(await complete({ assetId: "ast_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }), 404, "not_found");
  });
});

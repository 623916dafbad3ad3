import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { signUploadGrant } from "./upload-token";
import {
  assetRow,
  fileOf,
  MAGIC,
  MiB,
  media,
  multipart,
  put,
  send,
  single,
  startUpload,
  UPLOAD_ORIGIN,
} from "./uploads.testing";

const creator = SEED.profiles.creator.id;

/** The URL with one query parameter changed. */
function withParam(url: string, name: string, value: string): string {
  const changed = new URL(url);
  changed.searchParams.set(name, value);
  return changed.toString();
}

describe("PUT /upload/{assetId} on the upload host", () => {
  it("streams the whole file into R2 once, then refuses a second PUT", async () => {
    const file = fileOf(4096, MAGIC.png);
    const { assetId, upload } = await startUpload({ mime: "image/png", bytes: file.length });
    const target = single(upload);
    expect(target.url.startsWith(`${UPLOAD_ORIGIN}/upload/${assetId}?`)).toBe(true);

    const response = await put(target.url, file);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { etag: string; bytes: number };
    expect(body.bytes).toBe(4096);
    expect(response.headers.get("etag")).toBe(`"${body.etag}"`);
    const stored = await env.MEDIA_BUCKET.get(`originals/${assetId}`);
    expect(new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(file);

    await expectProblem(await put(target.url, fileOf(4096, MAGIC.jpeg)), 409, "conflict");
    const again = await env.MEDIA_BUCKET.get(`originals/${assetId}`);
    expect(new Uint8Array((await again?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(file);
  });

  it("refuses a tampered token, a changed length or expiry, another asset's token, and an expired URL", async () => {
    const file = fileOf(1000, MAGIC.png);
    const { assetId, upload } = await startUpload({ mime: "image/png", bytes: file.length });
    const { url } = single(upload);
    const token = new URL(url).searchParams.get("token") ?? "";
    const flipped = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    await expectProblem(await put(withParam(url, "token", flipped), file), 403, "forbidden");
    await expectProblem(await put(withParam(url, "token", "not base64!"), file), 403, "forbidden");
    const longer = fileOf(1001, MAGIC.png);
    await expectProblem(await put(withParam(url, "length", "1001"), longer), 403, "forbidden");
    const later = String(Number(new URL(url).searchParams.get("expires")) + 3600);
    await expectProblem(await put(withParam(url, "expires", later), file), 403, "forbidden");

    const other = await startUpload({ mime: "image/png", bytes: file.length });
    await expectProblem(await put(url.replace(assetId, other.assetId), file), 403, "forbidden");

    const past = Math.floor(Date.now() / 1000) - 1;
    const expired = await signUploadGrant(env.UPLOAD_TOKEN_SECRET, {
      assetId,
      partNumber: 0,
      length: 1000,
      expires: past,
    });
    const problem = await expectProblem(
      await put(withParam(withParam(url, "expires", String(past)), "token", expired), file),
      403,
      "forbidden",
    );
    expect(problem.detail).toContain("expired");
    expect(await env.MEDIA_BUCKET.head(`originals/${assetId}`)).toBeNull();
  });

  it("refuses a body whose length is not the one the URL was signed for", async () => {
    const { upload } = await startUpload({ mime: "image/png", bytes: 1000 });
    const { url } = single(upload);
    const problem = await expectProblem(await put(url, fileOf(999, MAGIC.png)), 400, "bad_request");
    expect(problem.detail).toContain("exactly 1000 bytes");
  });

  it("asks for Content-Length rather than buffering a body of unknown length", async () => {
    const { upload } = await startUpload({ mime: "image/png", bytes: 1000 });
    // A stream of unknown length goes out chunked, without Content-Length.
    const bytes = fileOf(1000, MAGIC.png);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    const problem = await expectProblem(await put(single(upload).url, stream), 400, "bad_request");
    expect(problem.detail).toContain("Content-Length");
  });

  it("takes each part at its own URL, records its ETag, and refuses a part's token on another part", async () => {
    const file = fileOf(11 * MiB, MAGIC.mp4);
    const { assetId, upload } = await startUpload({
      mime: "video/mp4",
      bytes: file.length,
      partSize: 5 * MiB,
    });
    const { parts, partSize, partCount } = multipart(upload);
    expect({ partSize, partCount }).toEqual({ partSize: 5 * MiB, partCount: 3 });
    expect(parts.map((p) => p.bytes)).toEqual([5 * MiB, 5 * MiB, MiB]);
    const [one, two, three] = parts;
    if (!one || !two || !three) throw new Error("three parts expected");

    // Part 1's URL and token on part 2's path: the token names the part.
    await expectProblem(
      await put(one.url.replace("/parts/1?", "/parts/2?"), file.subarray(0, 5 * MiB)),
      403,
      "forbidden",
    );
    // The last part's token cannot be stretched to a full part's length.
    await expectProblem(
      await put(withParam(three.url, "length", String(5 * MiB)), file.subarray(0, 5 * MiB)),
      403,
      "forbidden",
    );

    const first = await put(one.url, file.slice(0, 5 * MiB));
    expect(first.status).toBe(200);
    const { etag } = (await first.json()) as { etag: string };
    const recorded = await env.DB.prepare(
      "SELECT part_number, etag, bytes FROM media_upload_part WHERE asset_id = ?",
    )
      .bind(assetId)
      .all();
    expect(recorded.results).toEqual([{ part_number: 1, etag, bytes: 5 * MiB }]);
    expect((await assetRow(assetId))?.upload_state).toBe("uploading");
  });

  it("answers 409 once the upload is no longer open, and 404 for a part that does not exist", async () => {
    const file = fileOf(1000, MAGIC.png);
    const { assetId, upload } = await startUpload({ mime: "image/png", bytes: file.length });
    const { url } = single(upload);
    const aborted = await media().abortUpload({ assetId, ownerProfileId: creator });
    expect(aborted.ok).toBe(true);
    await expectProblem(await put(url, file), 409, "conflict");
    await expectProblem(
      await put(`${UPLOAD_ORIGIN}/upload/${assetId}/parts/0?length=1&expires=1&token=x`, file),
      404,
      "not_found",
    );
  });

  it("lets a browser page on any origin send the PUT (CORS), exposing the ETag", async () => {
    const { upload } = await startUpload({ mime: "image/png", bytes: 1000 });
    const preflight = await send(
      new Request(single(upload).url, {
        method: "OPTIONS",
        headers: { origin: "http://girlfanz.localhost:8787", "access-control-request-method": "PUT" },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("PUT");
  });
});

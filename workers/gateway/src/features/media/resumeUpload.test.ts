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
  type Multipart,
  multipart,
  putTo,
  sha256Hex,
  single,
  uploadRow,
} from "./uploads.testing";

type Status = {
  state: string;
  receivedParts: { partNumber: number; etag: string; bytes: number }[] | null;
  upload: Multipart | { url: string } | null;
  expiresAt: string | null;
};

async function status(assetId: string): Promise<Status> {
  const response = await callBrand("GET", `/v1/media/${assetId}/upload`, await as(creatorAccount));
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("private, no-store");
  return (await response.json()) as Status;
}

const abort = async (assetId: string) =>
  callBrand("DELETE", `/v1/media/${assetId}/upload`, await as(creatorAccount));

describe("resuming and aborting uploads", () => {
  it("lists the parts received and gives fresh URLs for only the missing ones", async () => {
    const video = fileOf(16 * MiB, MAGIC.mp4);
    const [started] = await initUploads([{ mime: "video/mp4", bytes: video.length, partSize: 5 * MiB }]);
    const assetId = started?.assetId ?? "";
    const { parts } = multipart(started);
    const slice = (n: number) => video.slice((n - 1) * 5 * MiB, Math.min(n * 5 * MiB, video.length));
    const sent = await putTo(parts[1]?.url ?? "", slice(2));
    const etag = ((await sent.json()) as { etag: string }).etag;

    // The connection dropped; the client comes back later and asks where it stands.
    const resumed = await status(assetId);
    expect(resumed).toMatchObject({
      state: "uploading",
      receivedParts: [{ partNumber: 2, etag, bytes: 5 * MiB }],
    });
    const fresh = resumed.upload as Multipart;
    expect(fresh.parts.map((p) => [p.partNumber, p.bytes])).toEqual([
      [1, 5 * MiB],
      [3, 5 * MiB],
      [4, MiB],
    ]);
    for (const part of fresh.parts) expect((await putTo(part.url, slice(part.partNumber))).status).toBe(200);
    expect((await status(assetId)).upload).toBeNull();

    const done = await complete({ assetId });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ state: "stored", sha256: await sha256Hex(video) });
    expect(await status(assetId)).toMatchObject({ state: "stored", upload: null, receivedParts: null });
  }, 30_000);

  it("gives a fresh URL for a whole file not yet sent, and none once it has arrived", async () => {
    const file = fileOf(3000, MAGIC.png);
    const [started] = await initUploads([{ mime: "image/png", bytes: file.length }]);
    const assetId = started?.assetId ?? "";
    const before = await status(assetId);
    expect(before.upload).toMatchObject({
      method: "PUT",
      url: expect.stringContaining(`/upload/${assetId}?`),
    });
    expect((await putTo((before.upload as { url: string }).url, file)).status).toBe(200);
    expect((await status(assetId)).upload).toBeNull();
  });

  it("aborts an upload: its parts and bytes dropped, the asset aborted, and nothing more accepted", async () => {
    const video = fileOf(11 * MiB, MAGIC.mp4);
    const [started] = await initUploads([{ mime: "video/mp4", bytes: video.length, partSize: 5 * MiB }]);
    const assetId = started?.assetId ?? "";
    const { parts } = multipart(started);
    expect((await putTo(parts[0]?.url ?? "", video.slice(0, 5 * MiB))).status).toBe(200);

    expect((await abort(assetId)).status).toBe(204);
    expect(await assetRow(assetId)).toMatchObject({ upload_state: "aborted" });
    expect(await uploadRow(assetId)).toBeNull();
    expect(await status(assetId)).toMatchObject({ state: "aborted", upload: null });
    await expectProblem(await putTo(parts[1]?.url ?? "", video.slice(5 * MiB, 10 * MiB)), 409, "conflict");
    await expectProblem(await complete({ assetId }), 409, "conflict");
    // Aborting again is not an error.
    expect((await abort(assetId)).status).toBe(204);
  }, 30_000);

  it("cannot abort what is already stored", async () => {
    const file = fileOf(3000, MAGIC.png);
    const [started] = await initUploads([{ mime: "image/png", bytes: file.length }]);
    const assetId = started?.assetId ?? "";
    expect((await putTo(single(started).url, file)).status).toBe(200);
    expect((await complete({ assetId })).status).toBe(200);
    const problem = await expectProblem(await abort(assetId), 409, "conflict");
    expect(problem.detail).toContain("stored");
    expect(await assetRow(assetId)).toMatchObject({ upload_state: "stored" });
  });
});

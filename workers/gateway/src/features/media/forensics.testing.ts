import { env } from "cloudflare:workers";
import { callBrand, callWorker } from "@fun/testing";
import { expect } from "vitest";
import { as, type Brand } from "./media.testing";
import {
  complete,
  creatorAccount,
  creatorPost,
  initUploads,
  putTo,
  sha256Hex,
  single,
} from "./uploads.testing";

/**
 * A picture the demo creator uploaded through the API into a post live on `brand` (public unless
 * asked), stored: ready for renditions, marked copies and takedowns.
 */
export async function livePicture(
  bytes: ArrayBuffer,
  options: { brand?: Brand; visibility?: "public" | "subscribers" | "ppv" } = {},
): Promise<{ assetId: string; contentId: string; bytes: Uint8Array<ArrayBuffer> }> {
  const brand = options.brand ?? "girlfanz";
  const contentId = await creatorPost(brand, true);
  if (options.visibility && options.visibility !== "public")
    await env.DB.prepare("UPDATE content SET visibility = ?, price_cents = ? WHERE id = ?")
      .bind(options.visibility, options.visibility === "ppv" ? 500 : 0, contentId)
      .run();
  const file = new Uint8Array(bytes);
  const [started] = await initUploads(
    [{ mime: "image/jpeg", bytes: file.length, sha256: await sha256Hex(file) }],
    { brand, contentId },
  );
  if (!started) throw new Error("no upload started");
  const put = single(started);
  expect((await putTo(put.url, file, put.headers)).status).toBe(200);
  const done = await complete({ assetId: started.assetId }, creatorAccount, brand);
  expect(done.status, await done.clone().text()).toBe(200);
  return { assetId: started.assetId, contentId, bytes: file };
}

/** `POST /v1/media/{assetId}/watermark:apply` as the caller. */
export const applyWatermark = (
  assetId: string,
  headers: Record<string, string>,
  body: Record<string, unknown> = {},
  brand: Brand = "girlfanz",
) => callBrand("POST", `/v1/media/${assetId}/watermark:apply`, headers, body, brand);

/** Fetches a signed media URL on its media host, as a browser would. */
export const fetchSigned = (url: string) => {
  const parsed = new URL(url);
  return callWorker(`${parsed.pathname}${parsed.search}`, { host: parsed.hostname });
};

export const creatorHeaders = () => as(creatorAccount);

import { createCoreDb } from "@fun/db";
import { type ApiEnv, ApiError } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { MAX_PART_BYTES, partLength, SINGLE_PUT_MAX_BYTES } from "./upload-plan";
import { checkUploadGrant } from "./upload-token";
import { findUpload, recordPart } from "./uploads.repo";

type MediaApiEnv = ApiEnv<MediaEnv>;

/** The largest body the upload route takes: a whole file up to the single-PUT size, or one part. */
export const MAX_UPLOAD_BODY_BYTES = Math.max(SINGLE_PUT_MAX_BYTES, MAX_PART_BYTES);
export const UPLOAD_PATH_PREFIX = "/upload/";

const ASSET_ID = /^ast_[0-9A-HJKMNP-TV-Z]{26}$/;
const FRESH_URLS = "ask GET /v1/media/{assetId}/upload for fresh upload URLs";

/** FixedLengthStream's complaint about a body longer or shorter than it was told. */
const isLengthMismatch = (error: unknown) =>
  error instanceof Error && /FixedLengthStream|expected bytes|ended prematurely/i.test(error.message);

function integer(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The body limit for a path: uploads take up to a part's worth; everything else the default. */
export const uploadBodyLimit = (path: string) =>
  path.startsWith(UPLOAD_PATH_PREFIX) ? MAX_UPLOAD_BODY_BYTES : undefined;

/**
 * Runs before the body limit, which would otherwise buffer a body of unknown length to measure it:
 * an upload must say its length up front.
 */
export const requireUploadLength: MiddlewareHandler<MediaApiEnv> = async (c, next) => {
  if (
    c.req.method === "PUT" &&
    c.req.path.startsWith(UPLOAD_PATH_PREFIX) &&
    (c.req.header("content-length") === undefined || c.req.header("transfer-encoding") !== undefined)
  )
    throw new ApiError("bad_request", "Send the upload with a Content-Length header (no chunked encoding).");
  await next();
};

/**
 * `PUT /upload/{assetId}` (the whole file) and `PUT /upload/{assetId}/parts/{n}` on the upload host:
 * the worker-route transport, used when presigned R2 URLs are not configured. The URL's HMAC token
 * is the only credential (no cookie, so any origin may send, CORS included). The body is streamed
 * into R2 at exactly the signed length, never buffered.
 */
export function registerReceiveUpload(app: OpenAPIHono<MediaApiEnv>) {
  app.use(
    `${UPLOAD_PATH_PREFIX}*`,
    cors({
      origin: "*",
      allowMethods: ["PUT", "OPTIONS"],
      allowHeaders: ["Content-Type", "Content-Length"],
      exposeHeaders: ["ETag", "X-Request-Id"],
      maxAge: 600,
    }),
  );
  app.put("/upload/:assetId", (c) => refusingUnread(c, () => receive(c, 0)));
  app.put("/upload/:assetId/parts/:partNumber", (c) =>
    refusingUnread(c, () => {
      const partNumber = integer(c.req.param("partNumber"));
      if (partNumber === undefined || partNumber < 1 || partNumber > 10_000)
        throw new ApiError("not_found", "No such part: parts are numbered 1 to 10,000.");
      return receive(c, partNumber);
    }),
  );
}

/** A refused upload's body is cancelled rather than left unread behind the answer. */
async function refusingUnread(c: Context<MediaApiEnv>, handle: () => Promise<Response>): Promise<Response> {
  try {
    return await handle();
  } catch (error) {
    const body = c.req.raw.body;
    if (body && !body.locked) await body.cancel().catch(() => {});
    throw error;
  }
}

async function receive(c: Context<MediaApiEnv>, partNumber: number): Promise<Response> {
  const assetId = c.req.param("assetId") ?? "";
  if (!ASSET_ID.test(assetId)) throw new ApiError("not_found", "No such upload.");
  const length = integer(c.req.query("length"));
  const expires = integer(c.req.query("expires"));
  const token = c.req.query("token");
  if (length === undefined || expires === undefined || !token)
    throw new ApiError("forbidden", `This upload URL is incomplete: ${FRESH_URLS}.`);
  const grant = await checkUploadGrant(
    c.env.UPLOAD_TOKEN_SECRET,
    { assetId, partNumber, length, expires },
    token,
  );
  if (grant !== "valid") {
    c.get("logFields").reason = grant;
    throw new ApiError(
      "forbidden",
      grant === "expired"
        ? `This upload URL has expired: ${FRESH_URLS}.`
        : "This upload URL's token does not match it: send the URL exactly as it was given.",
    );
  }
  const sent = c.req.header("content-length");
  if (integer(sent) !== length)
    throw new ApiError("bad_request", `This URL takes exactly ${length} bytes; the request has ${sent}.`);
  const body = c.req.raw.body;
  if (!body) throw new ApiError("bad_request", `Send the ${length} bytes as the request body.`);

  const db = createCoreDb(c.env.DB);
  const found = await findUpload(db, assetId);
  if (found?.asset.uploadState !== "uploading")
    throw new ApiError(
      "conflict",
      "This upload is no longer open: it was completed, aborted or has expired.",
    );
  const { asset, upload } = found;
  if (upload.expiresAt <= Date.now()) throw new ApiError("conflict", "This upload has expired.");
  const multipart = upload.multipartUploadId !== null && upload.partSize !== null;
  if (multipart !== partNumber > 0 || partNumber > upload.partCount)
    throw new ApiError("not_found", "No such part in this upload.");
  const expected = multipart
    ? partLength(
        { bytes: asset.bytes, partSize: upload.partSize ?? 0, partCount: upload.partCount },
        partNumber,
      )
    : asset.bytes;
  if (expected !== length)
    throw new ApiError("bad_request", `This part is ${expected} bytes, not ${length}.`);

  // A body that ends early or runs long fails the stream, so R2 never stores a wrong-sized object.
  const exact = body.pipeThrough(new FixedLengthStream(length));
  let etag: string;
  try {
    if (multipart) {
      const part = await c.env.MEDIA_BUCKET.resumeMultipartUpload(
        asset.storageKey,
        upload.multipartUploadId ?? "",
      ).uploadPart(partNumber, exact);
      etag = part.etag;
    } else {
      // Written once: a second PUT after the file arrived is refused rather than replacing it.
      const object = await c.env.MEDIA_BUCKET.put(asset.storageKey, exact, {
        httpMetadata: { contentType: asset.mime },
        onlyIf: new Headers({ "if-none-match": "*" }),
      });
      if (!object)
        throw new ApiError(
          "conflict",
          "The file has already been uploaded: complete the upload with ingest:complete.",
        );
      etag = object.etag;
    }
  } catch (error) {
    if (error instanceof ApiError || !isLengthMismatch(error)) throw error;
    c.get("logFields").reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(
      "bad_request",
      `The body was not the ${length} bytes this URL takes, or it was cut off.`,
    );
  }
  if (multipart) {
    try {
      await recordPart(db, assetId, { partNumber, etag, bytes: length }, Date.now());
    } catch (error) {
      // The upload ended (completed, aborted, expired) while this part was in flight.
      c.get("logFields").reason = error instanceof Error ? error.message : String(error);
      throw new ApiError(
        "conflict",
        "This upload is no longer open: it was completed, aborted or has expired.",
      );
    }
  }
  c.header("ETag", `"${etag}"`);
  c.header("Cache-Control", "no-store");
  return c.json({ assetId, partNumber: multipart ? partNumber : null, bytes: length, etag }, 200);
}

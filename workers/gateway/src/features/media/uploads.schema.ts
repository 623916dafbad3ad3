import { z } from "@hono/zod-openapi";
import { ASSET_ID } from "./screening.schema";

const MiB = 1024 * 1024;
const CONTENT_ID = /^cnt_[0-9A-HJKMNP-TV-Z]{26}$/;

export const DeclaredFileSchema = z
  .object({
    mime: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^(image|video|audio)\/[a-z0-9.+-]+$/, "an image/, video/ or audio/ media type")
      .openapi({
        example: "video/mp4",
        description:
          "What the file is. It must be one of the brand's allowed types now, and the file's bytes must show the same type when the upload completes.",
      }),
    bytes: z.number().int().min(1).openapi({
      example: 734003200,
      description: "The file's exact size; within the brand's limit for its kind.",
    }),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "64 hex characters")
      .transform((hex) => hex.toLowerCase())
      .optional()
      .openapi({
        description: "The file's SHA-256 (hex); when given, ingest:complete refuses a file that differs.",
      }),
    partSize: z
      .number()
      .int()
      .min(5 * MiB)
      .max(64 * MiB)
      .optional()
      .openapi({
        description:
          "Ask for a multipart upload in parts of this many bytes (5-64 MiB), e.g. to resume in small steps. By default files above 64 MiB go multipart in 16 MiB parts.",
      }),
  })
  .strict()
  .openapi("DeclaredFile");

const files = z.array(DeclaredFileSchema).min(1).max(20);

export const IngestInitSchema = z
  .object({
    contentId: z.string().regex(CONTENT_ID, "a content id (cnt_…)").optional().openapi({
      description:
        "The post the files are for: it must be the caller's own. Without it the assets stand alone.",
    }),
    files,
  })
  .strict()
  .openapi("IngestInit");

export const ContentAssetsSchema = z.object({ files }).strict().openapi("ContentAssets");

const expiresAt = z.string().openapi({ description: "When these URLs stop working (ISO 8601)." });

const SinglePutSchema = z
  .object({
    method: z.literal("PUT"),
    url: z.string().openapi({ description: "PUT the whole file here, with Content-Length." }),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .openapi({ description: "Headers to send exactly as given: they are part of the signature." }),
    expiresAt,
  })
  .openapi("SinglePutUpload");

const MultipartSchema = z
  .object({
    partSize: z.number().int().openapi({ description: "Every part is this size except the last." }),
    partCount: z.number().int(),
    parts: z.array(
      z.object({
        partNumber: z.number().int(),
        url: z
          .string()
          .openapi({ description: "PUT exactly this part's bytes here; the answer's ETag is its etag." }),
        bytes: z.number().int(),
      }),
    ),
    expiresAt,
  })
  .openapi("MultipartUpload");

export const UploadTargetSchema = z.union([SinglePutSchema, MultipartSchema]).openapi("UploadTarget", {
  description:
    "A single signed PUT, or (for large files) one signed PUT per part of at least 5 MiB. URLs are presigned S3 URLs straight to R2 where that is configured, and the upload host's own token route otherwise; either way they are used the same.",
});

export const StartedUploadsSchema = z
  .object({
    assets: z.array(
      z.object({
        assetId: z.string().openapi({ example: "ast_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
        mime: z.string(),
        bytes: z.number().int(),
        expiresAt: z
          .string()
          .openapi({ description: "When an unfinished upload is abandoned and cleaned up." }),
        upload: UploadTargetSchema,
      }),
    ),
  })
  .openapi("StartedUploads");

export const IngestCompleteSchema = z
  .object({
    assetId: z.string().regex(ASSET_ID, "an asset id (ast_…)"),
    parts: z
      .array(
        z
          .object({
            partNumber: z.number().int().min(1).max(10_000),
            etag: z.string().min(1).max(200).openapi({ description: "The ETag the part's PUT answered." }),
          })
          .strict(),
      )
      .max(10_000)
      .optional()
      .openapi({
        description:
          "For a multipart upload: every part's ETag. Optional when the parts went through the upload host, which records them.",
      }),
  })
  .strict()
  .openapi("IngestComplete");

export const StoredAssetSchema = z
  .object({
    assetId: z.string(),
    contentId: z.string().nullable(),
    state: z.literal("stored"),
    mime: z.string(),
    bytes: z.number().int(),
    sha256: z.string().openapi({ description: "SHA-256 of the stored bytes (hex)." }),
  })
  .openapi("StoredAsset", {
    description:
      "The asset is stored and queued for fingerprinting: see GET /v1/media/{assetId}/fingerprint.",
  });

export const UploadStatusSchema = z
  .object({
    assetId: z.string(),
    state: z.enum(["uploading", "stored", "failed", "aborted", "expired"]),
    failureReason: z.string().nullable(),
    mime: z.string(),
    bytes: z.number().int(),
    expiresAt: z
      .string()
      .nullable()
      .openapi({ description: "While uploading: when the upload is abandoned." }),
    receivedParts: z
      .array(z.object({ partNumber: z.number().int(), etag: z.string(), bytes: z.number().int() }))
      .nullable()
      .openapi({
        description:
          "While uploading a multipart file: the parts storage holds. Null when storage cannot list them; then resend the parts you have no ETag for.",
      }),
    upload: UploadTargetSchema.nullable().openapi({
      description:
        "While uploading: fresh URLs for what has not arrived (only the missing parts of a multipart upload).",
    }),
  })
  .openapi("UploadStatus");

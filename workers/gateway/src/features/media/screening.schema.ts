import { z } from "@hono/zod-openapi";

export const ASSET_ID = /^ast_[0-9A-HJKMNP-TV-Z]{26}$/;
export const AssetParams = z.object({ assetId: z.string().regex(ASSET_ID, "an asset id (ast_…)") });

const TRANSFORM = z.string().openapi({
  description:
    "The rotation or flip of the scanned image that matched (orig, rot90, rot180, rot270, flipx, flipy, flipp, flipm).",
  example: "orig",
});

export const KnownBadListSummarySchema = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(["pdq", "md5"]), source: z.string() })
  .openapi("KnownBadListSummary");

export const KnownBadVerdictSchema = z
  .object({
    matched: z.boolean(),
    detector: z.enum(["pdq", "md5"]).optional(),
    list: KnownBadListSummarySchema.optional().openapi({
      description: "Which list matched: shown only to trust & safety staff (`hashlists:manage`).",
    }),
  })
  .openapi("KnownBadVerdict");

export const ScanRequestSchema = z
  .object({
    threshold: z.number().int().min(0).max(47).optional().openapi({
      description:
        "PDQ distance to match at (default the platform's, 31). At any other value the scan only reports: nothing is linked, flagged or blocked.",
    }),
  })
  .strict()
  .openapi("ScanRequest");

export const ScanResultSchema = z
  .object({
    assetId: z.string(),
    threshold: z.number().int(),
    perceptual: z.boolean().openapi({
      description: "False when the asset has no PDQ hash to match on (not an image, or quality < 50).",
    }),
    duplicates: z.array(
      z.object({
        assetId: z.string(),
        contentId: z.string().nullable(),
        creatorId: z.string(),
        distance: z.number().int(),
        transform: TRANSFORM,
      }),
    ),
    knownBad: KnownBadVerdictSchema,
    blocked: z
      .boolean()
      .openapi({ description: "Blocked by a known-bad match: never published, never served." }),
    duplicateOf: z
      .object({ assetId: z.string(), action: z.enum(["linked", "flagged"]) })
      .nullable()
      .openapi({
        description: "What this scan decided under the re-upload policy, when it decided something new.",
      }),
  })
  .openapi("ScanResult");

export const TraceResultSchema = z
  .object({
    sha256: z.string(),
    pdq: z.object({ hash: z.string(), quality: z.number().int() }),
    threshold: z.number().int(),
    perceptual: z.boolean(),
    matches: z.array(
      z.object({
        assetId: z.string(),
        contentId: z.string().nullable(),
        creatorId: z.string(),
        tenantId: z.string(),
        distance: z.number().int(),
        transform: TRANSFORM,
        exact: z
          .boolean()
          .openapi({ description: "The same bytes (SHA-256 or MD5), not only the same picture." }),
        blocked: z.boolean(),
      }),
    ),
    knownBad: KnownBadVerdictSchema,
  })
  .openapi("TraceResult");

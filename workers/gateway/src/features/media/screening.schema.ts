import { z } from "@hono/zod-openapi";

export const ASSET_ID = /^ast_[0-9A-HJKMNP-TV-Z]{26}$/;
export const AssetParams = z.object({ assetId: z.string().regex(ASSET_ID, "an asset id (ast_…)") });

const TRANSFORM = z.string().openapi({
  description:
    "The rotation or flip of the scanned image that matched (orig, rot90, rot180, rot270, flipx, flipy, flipp, flipm).",
  example: "orig",
});

export const KnownBadListSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["pdq", "md5"]),
    source: z.string(),
    purpose: z.enum(["known_bad", "takedown"]).openapi({
      description:
        "`known_bad`: an imported list (a match owes a report); `takedown`: media taken down on the platform.",
    }),
  })
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

export const WatermarkReadSchema = z
  .object({
    payloadId: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .openapi({ example: "3f9c0a71d2e4b856" }),
    tenant: z
      .string()
      .openapi({ description: "The brand that served the marked copy (slug).", example: "pupfanz" }),
    creatorId: z.string(),
    contentId: z.string().nullable(),
    assetId: z.string(),
    recipientProfileId: z.string().nullable().openapi({
      description:
        "The buyer a per-buyer copy was marked for; null for a brand's rendition, and withheld (null) from staff of other brands.",
    }),
    issuedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("WatermarkRead");

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
        takenDown: z.boolean().openapi({ description: "Taken down: its links and renditions are revoked." }),
      }),
    ),
    watermark: WatermarkReadSchema.nullable().openapi({
      description: "The forensic watermark in the image, or null when none verifies under any brand's key.",
    }),
    knownBad: KnownBadVerdictSchema,
  })
  .openapi("TraceResult");

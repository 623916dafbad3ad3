import { mediaFingerprint } from "@fun/db";
import { defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { assetFor } from "./media-access";

/** The order of `pdq.dihedral`: Meta's reference order of rotations and flips. */
const DIHEDRAL_ORDER = ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"] as const;

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));

const FingerprintSchema = z
  .object({
    assetId: z.string(),
    status: z.enum(["pending", "ready", "failed"]),
    sha256: hex(64).nullable(),
    pdq: z
      .object({
        hash: hex(64),
        quality: z.number().int().min(0).max(100),
        dihedral: z
          .array(hex(64))
          .length(8)
          .openapi({ description: `In this order: ${DIHEDRAL_ORDER.join(", ")}.` }),
      })
      .nullable()
      .openapi({ description: "Images only: Meta's PDQ, 16 words of 16 bits, most significant word first." }),
    phash: hex(16).nullable().openapi({ description: "Images only: imagehash's 64-bit DCT pHash." }),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    mime: z.string(),
    bytes: z.number().int(),
    failureReason: z.string().nullable(),
  })
  .openapi("Fingerprint");

const route = defineRoute({
  method: "get",
  path: "/v1/media/{assetId}/fingerprint",
  tags: ["Media"],
  summary: "An asset's forensic fingerprints: SHA-256, PDQ with its dihedral hashes, pHash",
  description:
    "For the asset's uploader and staff of the brands it lives on; anyone else gets 404. `status` is `pending` until the ingest consumer has run, and `failed` with `failureReason` for an upload that could not be fingerprinted.",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: { params: z.object({ assetId: z.string().regex(/^ast_[0-9A-Z]{26}$/, "an asset id (ast_…)") }) },
  responses: {
    200: { description: "The fingerprints.", content: { "application/json": { schema: FingerprintSchema } } },
  },
});

export function registerGetFingerprint(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { assetId } = c.req.valid("param");
    const { asset } = await assetFor(c, assetId, "asset:read");
    const f = await c
      .get("services")
      .db.select()
      .from(mediaFingerprint)
      .where(eq(mediaFingerprint.assetId, assetId))
      .get();
    const dihedral = f?.pdqDihedral;
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        assetId,
        status: f?.status ?? "pending",
        sha256: f?.sha256 ?? null,
        pdq:
          f?.pdq && f.pdqQuality !== null && dihedral
            ? { hash: f.pdq, quality: f.pdqQuality, dihedral: DIHEDRAL_ORDER.map((t) => dihedral[t] ?? "") }
            : null,
        phash: f?.phash ?? null,
        width: f?.width ?? asset.width,
        height: f?.height ?? asset.height,
        mime: f?.mime ?? asset.mime,
        bytes: f?.bytes ?? asset.bytes,
        failureReason: f?.failureReason ?? null,
      },
      200,
    );
  });
}

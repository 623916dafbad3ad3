import { ApiError, defineRoute, problemDoc } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { assetFor, managesHashLists } from "./media-access";
import { AssetParams, ScanRequestSchema, ScanResultSchema } from "./screening.schema";

const route = defineRoute({
  method: "post",
  path: "/v1/media/{assetId}/scan",
  tags: ["Media"],
  summary: "Scans an asset for near-duplicates and known-bad hashes, and applies the re-upload policy",
  description:
    "Matches the asset's PDQ hash and its 8 rotations and flips against every asset on every brand (leaks cross brands) and against the known-bad lists, at the platform's threshold (31) unless another is asked for. Ingest already did this once; a scan answers again against what is known now. A near-duplicate of the uploader's own earlier asset is linked to it; of someone else's, flagged for the brand's staff; a known-bad match blocks the asset. For the uploader and staff of the brands the asset lives on; anyone else gets 404.",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: {
    params: AssetParams,
    body: { required: false, content: { "application/json": { schema: ScanRequestSchema } } },
  },
  responses: {
    200: { description: "What matched.", content: { "application/json": { schema: ScanResultSchema } } },
    409: problemDoc(
      "The asset is not fingerprinted yet, or could not be (see its fingerprint's failureReason).",
    ),
  },
});

export function registerScanAsset(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { assetId } = c.req.valid("param");
    const { principal } = await assetFor(c, assetId, "asset:scan");
    const body = c.req.valid("json") ?? {};
    const scanned = await c.env.MEDIA.scanAsset(assetId, { threshold: body.threshold });
    if (!scanned.ok) {
      if (scanned.error === "unknown_asset") throw new ApiError("not_found", "No such asset.");
      throw new ApiError(
        "conflict",
        scanned.error === "not_fingerprinted"
          ? "The asset is not fingerprinted yet: scan it once GET /v1/media/{assetId}/fingerprint says ready."
          : "The asset could not be fingerprinted, so it cannot be matched: see its fingerprint's failureReason.",
      );
    }
    const { actions, knownBad, ...report } = scanned.value;
    const showList = managesHashLists(principal);
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        ...report,
        knownBad: knownBad.matched
          ? { matched: true, detector: knownBad.detector, ...(showList ? { list: knownBad.list } : {}) }
          : { matched: false },
        duplicateOf: actions.duplicate
          ? { assetId: actions.duplicate.canonical.assetId, action: actions.duplicate.action }
          : null,
      },
      200,
    );
  });
}

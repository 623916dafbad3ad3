import { ApiError, defineRoute, problemDoc } from "@fun/http";
import { authorize, loadPrincipal } from "@fun/policy";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { managesHashLists } from "./media-access";
import { TraceResultSchema } from "./screening.schema";

/** The largest image a trace reads: far above a recompressed copy found online. */
export const MAX_TRACE_BYTES = 16 * 1024 * 1024;
export const TRACE_PATH = "/v1/media/trace";

const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
const binary = z.string().openapi({ format: "binary" });

const route = defineRoute({
  method: "post",
  path: TRACE_PATH,
  tags: ["Media"],
  summary: "Traces an image to the assets it is: the takedown trace",
  description:
    "Send the found image as the body (JPEG, PNG or WebP, up to 16 MiB). Answers every asset, on every brand, that is the same file (SHA-256 or MD5) or the same picture (PDQ within the threshold, rotations and flips included), whether the picture is on a known-bad list, and the forensic watermark of a copy one of our brands served: which brand, creator and post, when, and for a per-buyer copy the buyer (shown to that brand's staff only). The watermark is read blind, with each brand's keys; a mark that does not verify is reported as none, never guessed. The image is read, never stored. For staff of this brand (`moderation:review`).",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: {
    body: {
      required: true,
      content: Object.fromEntries(IMAGE_TYPES.map((type) => [type, { schema: binary }])),
    },
  },
  responses: {
    200: {
      description: "What the image matches.",
      content: { "application/json": { schema: TraceResultSchema } },
    },
    415: problemDoc("The body is not sent as a JPEG, PNG or WebP image."),
    422: problemDoc(
      "The body is not a whole, readable image (truncated, corrupt, or too large when decoded).",
    ),
  },
});

export function registerTraceImage(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const host = c.get("host");
    if (host.kind !== "tenant") throw new ApiError("not_found", "Traces run on a brand's host.");
    const principal = await loadPrincipal(c.get("services").db, c.get("auth").claims.subject);
    const decision = authorize(
      principal,
      "media:trace",
      { kind: "tenant", id: host.tenant.id },
      { tenantId: host.tenant.id },
    );
    if (!decision.allowed) throw new ApiError("forbidden", "Only this brand's staff may trace images.");
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (!IMAGE_TYPES.some((allowed) => allowed === type))
      throw new ApiError(
        "unsupported_media_type",
        `Send the image as the body, typed ${IMAGE_TYPES.join(", ")}.`,
      );
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const traced = await c.env.MEDIA.traceImage(bytes);
    if (!traced.ok)
      throw new ApiError("unprocessable_content", `The image cannot be traced: ${traced.error}.`);
    const { knownBad, watermark, ...report } = traced.value;
    // A buyer's identity is for the staff of the brand that sold the copy.
    const seesRecipient =
      watermark !== null &&
      authorize(
        principal,
        "media:trace",
        { kind: "tenant", id: watermark.tenantId },
        { tenantId: watermark.tenantId },
      ).allowed;
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        ...report,
        watermark: watermark && {
          payloadId: watermark.payloadId,
          tenant: watermark.tenant,
          creatorId: watermark.creatorId,
          contentId: watermark.contentId,
          assetId: watermark.assetId,
          recipientProfileId: seesRecipient ? watermark.recipientProfileId : null,
          issuedAt: watermark.issuedAt,
        },
        knownBad: knownBad.matched
          ? { matched: true, ...(managesHashLists(principal) ? { list: knownBad.list } : {}) }
          : { matched: false },
      },
      200,
    );
  });
}

import { ApiError, defineRoute, problemDoc } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { assetFor, managesHashLists } from "./media-access";
import { AssetParams } from "./screening.schema";

const TakedownRequestSchema = z
  .object({
    reason: z.string().trim().min(3).max(1000).openapi({
      description: "Why, in words kept with the record.",
      example: "Leaked outside the platform; the creator withdraws it.",
    }),
  })
  .openapi("TakedownRequest");

const TakedownSchema = z
  .object({
    takedownId: z.string(),
    assetId: z.string(),
    contentId: z.string().nullable(),
    actor: z.enum(["creator", "staff", "safety"]),
    reason: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
    revokedVariants: z.number().int().openapi({ description: "Renditions whose links now fail." }),
    blockedCopies: z.array(z.string()).openapi({
      description: "Other stored copies of the picture, blocked by its hashes (whoever uploaded them).",
    }),
  })
  .openapi("Takedown");

const route = defineRoute({
  method: "post",
  path: "/v1/media/{assetId}/takedown",
  tags: ["Media"],
  summary: "Takes an asset down on every brand at once",
  description:
    "Revokes every signed link and rendition of the asset (the media hosts refuse them with 410 from now on), hides its post on every brand, puts its hashes on the takedown lists so re-uploads (exact or altered) are refused and stored copies blocked, records who and why, and emits `fun.media.taken_down`. For the owning creator (on every brand their media lives on), staff of a brand the asset lives on, and trust & safety. Taking down again answers the first takedown (200).",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: {
    params: AssetParams,
    body: { required: true, content: { "application/json": { schema: TakedownRequestSchema } } },
  },
  responses: {
    201: { description: "Taken down now.", content: { "application/json": { schema: TakedownSchema } } },
    200: {
      description: "Taken down before; that takedown stands.",
      content: { "application/json": { schema: TakedownSchema } },
    },
    404: problemDoc("No such asset, or not the caller's to take down."),
  },
});

export function registerTakedown(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const host = c.get("host");
    if (host.kind !== "tenant") throw new ApiError("not_found", "Media is reached on a brand's host.");
    const { assetId } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    const { asset, principal } = await assetFor(c, assetId, "asset:takedown");
    const actor =
      principal.profileId !== null && principal.profileId === asset.ownerProfileId
        ? "creator"
        : managesHashLists(principal)
          ? "safety"
          : "staff";
    const taken = await c.env.MEDIA.takeDown({
      assetId,
      actor,
      accountId: principal.accountId,
      tenantId: actor === "staff" ? host.tenant.id : null,
      reason,
    });
    if (!taken.ok) throw new ApiError("not_found", "No such asset.");
    const { created, ...report } = taken.value;
    return c.json({ ...report, createdAt: new Date(report.createdAt).toISOString() }, created ? 201 : 200);
  });
}

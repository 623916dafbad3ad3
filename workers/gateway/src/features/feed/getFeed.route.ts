import { ApiError, decodeCursor, defineRoute, encodeCursor } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { findOwnProfile } from "../me/me.repo";
import { requireFeature, viewerOfProfile } from "../tenants/feature-flags";
import { hostIndex } from "../tenants/tenant-directory";
import { entitledIds, feedPage } from "./feed.repo";

const FeedItemSchema = z
  .object({
    id: z.string(),
    creatorProfileId: z.string(),
    canonicalTenant: z.string(),
    title: z.string(),
    caption: z.string().nullable(),
    visibility: z.enum(["public", "subscribers", "ppv"]),
    priceCents: z.number().int(),
    tags: z.array(z.string()),
    locked: z.boolean(),
    likeCount: z.number().int().openapi({ description: "Likes on this brand." }),
    publishedAt: z.string(),
  })
  .openapi("FeedItem");

const route = defineRoute({
  method: "get",
  path: "/v1/feed",
  tags: ["Feed"],
  summary: "The caller's feed on this brand: posts of followed creators, newest or best first, by cursor",
  description:
    "`algo=latest` (default): newest first. `algo=ranked`: by a score of recency and likes on this brand (publish time / 12.5 h + log10(1 + likes); see features/feed/ranker.ts), behind the brand's `feedRanked` flag (404 `feature_disabled` where it is off for the caller). Pages are keyset cursors on (order key, post id): a post published while you page never makes one repeat or skip. A cursor is only good for the algo that gave it out.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  request: {
    query: z.object({
      tenant: z
        .string()
        .regex(/^[a-z][a-z0-9-]*$/)
        .optional()
        .openapi({ description: "Must be this host's brand when given." }),
      algo: z.enum(["latest", "ranked"]).default("latest"),
      cursor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(50).default(20),
    }),
  },
  responses: {
    200: {
      description: "A page and the cursor of the next one (null at the end).",
      content: {
        "application/json": {
          schema: z
            .object({ items: z.array(FeedItemSchema), nextCursor: z.string().nullable() })
            .openapi("FeedPage"),
        },
      },
    },
  },
});

export function registerGetFeed(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const host = c.get("host");
    if (host.kind !== "tenant") throw new ApiError("not_found", "Feeds are served on a brand's host.");
    const query = c.req.valid("query");
    if (query.tenant !== undefined && query.tenant !== host.tenant.slug) {
      throw new ApiError("validation_failed", "A brand's feed is read on that brand's host.", {
        errors: [{ location: "query", path: "tenant", message: `must be ${host.tenant.slug} on this host` }],
      });
    }
    const db = c.get("services").db;
    const profile = await findOwnProfile(db, c.get("auth").claims.subject);
    if (query.algo === "ranked") requireFeature(host.tenant, "feedRanked", viewerOfProfile(profile));
    const position = decodeCursor(query.cursor, `feed.${query.algo}`, /^cnt_[0-9A-Z]{26}$/);
    if (!profile) return c.json({ items: [], nextCursor: null }, 200);
    const me = profile.id;
    const now = Date.now();
    const rows = await feedPage(db, {
      algo: query.algo,
      tenantId: host.tenant.id,
      followerId: me,
      ...(position ? { cursor: position } : {}),
      limit: query.limit + 1,
      now,
    });
    const page = rows.slice(0, query.limit);
    const [open, index] = await Promise.all([entitledIds(db, me, page, now), hostIndex(c.env)]);
    const last = page.at(-1);
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        items: page.map((row) => ({
          id: row.id,
          creatorProfileId: row.creatorProfileId,
          canonicalTenant: index.tenant(row.canonicalTenantId)?.slug ?? row.canonicalTenantId,
          title: row.title,
          caption: row.caption,
          visibility: row.visibility,
          priceCents: row.priceCents,
          tags: row.tags,
          locked: !open.has(row.id),
          likeCount: row.likeCount,
          publishedAt: new Date(row.publishedAt ?? now).toISOString(),
        })),
        nextCursor:
          rows.length > query.limit && last && last.key !== null
            ? encodeCursor(`feed.${query.algo}`, { key: last.key, id: last.id })
            : null,
      },
      200,
    );
  });
}

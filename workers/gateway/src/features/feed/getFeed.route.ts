import { fromBase64Url, toBase64Url } from "@fun/core";
import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { findOwnProfileId } from "../me/me.repo";
import { hostIndex } from "../tenants/tenant-directory";
import { entitledIds, type FeedCursor, latestFeedPage } from "./feed.repo";

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
    publishedAt: z.string(),
  })
  .openapi("FeedItem");

const route = defineRoute({
  method: "get",
  path: "/v1/feed",
  tags: ["Feed"],
  summary: "The caller's feed on this brand: posts of followed creators, newest first, by cursor",
  description:
    "`algo=latest` (default). Pages are keyset cursors on (publish time, post id): a post published while you page never makes one repeat or skip. `algo=ranked` is not built yet (501).",
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

function readCursor(text: string | undefined): FeedCursor | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(new TextDecoder().decode(fromBase64Url(text))) as unknown;
    const { at, id } = value as { at?: unknown; id?: unknown };
    if (
      typeof at === "number" &&
      Number.isInteger(at) &&
      typeof id === "string" &&
      /^cnt_[0-9A-Z]{26}$/.test(id)
    ) {
      return { at, id };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw new ApiError("validation_failed", "The cursor is not one this feed gave out.", {
    errors: [{ location: "query", path: "cursor", message: "not a feed cursor" }],
  });
}

const writeCursor = (cursor: FeedCursor) => toBase64Url(new TextEncoder().encode(JSON.stringify(cursor)));

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
    if (query.algo === "ranked")
      throw new ApiError("not_implemented", "The ranked feed is not built yet; use algo=latest.");
    const db = c.get("services").db;
    const me = await findOwnProfileId(db, c.get("auth").claims.subject);
    if (!me) return c.json({ items: [], nextCursor: null }, 200);
    const now = Date.now();
    const rows = await latestFeedPage(db, {
      tenantId: host.tenant.id,
      followerId: me,
      ...(query.cursor === undefined ? {} : { cursor: readCursor(query.cursor) }),
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
          publishedAt: new Date(row.publishedAt ?? now).toISOString(),
        })),
        nextCursor:
          rows.length > query.limit && last
            ? writeCursor({ at: last.publishedAt ?? now, id: last.id })
            : null,
      },
      200,
    );
  });
}

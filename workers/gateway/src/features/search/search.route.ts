import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { callerOf, identifyAccount } from "../../middleware/authenticate";
import { findOwnProfile } from "../me/me.repo";
import { requireFeature, viewerOfProfile } from "../tenants/feature-flags";
import { type SearchScope, searchContent, searchProfiles, TAG_SAMPLE, tagsOfMatches } from "./search.repo";
import { queryWords, searchPlan } from "./search-query";

/** Results are ranked by relevance, so pages are offsets; this deep is as far as they go. */
const MAX_OFFSET = 500;
/** The first try filters the best WINDOW_FACTOR × (offset + page) FTS matches, at least MIN_WINDOW. */
const WINDOW_FACTOR = 4;
const MIN_WINDOW = 200;

const ProfileResult = z
  .object({ id: z.string(), handle: z.string(), displayName: z.string(), bio: z.string().nullable() })
  .openapi("ProfileSearchResult");
const ContentResult = z
  .object({
    id: z.string(),
    creatorProfileId: z.string(),
    creatorHandle: z.string(),
    title: z.string(),
    caption: z.string().nullable(),
    visibility: z.enum(["public", "subscribers", "ppv"]),
    priceCents: z.number().int(),
    tags: z.array(z.string()),
    rating: z.enum(["general", "explicit"]),
    publishedAt: z.string(),
  })
  .openapi("ContentSearchResult", { description: "Metadata only: a search result never carries media." });
const TagResult = z.object({ tag: z.string(), posts: z.number().int() }).openapi("TagSearchResult");

const route = defineRoute({
  method: "get",
  path: "/v1/search",
  tags: ["Search"],
  summary: "Finds creators, posts or tags on this brand",
  description: [
    "Full-text search (D1 FTS5) over this brand only, behind its `search` flag.",
    "Each word must match; the last letters may be left off (`pupp` finds `puppy`), and the brand's synonyms find each other (`pup` finds `puppy`).",
    "Safe search hides explicit posts: on by default where the brand says so, `safe=off` needs a signed-in caller.",
    "Words on the brand's blocklist are never found, and a query asking for one finds nothing.",
    "Posts show only where live and their creator's presence is visible; nothing of anyone with a block between them and the caller shows.",
    `Pages are offsets into the ranking (\`cursor\`), up to ${MAX_OFFSET} results deep. \`type=tags\` counts the tags of the best ${TAG_SAMPLE} matching posts (drawn from the best ${WINDOW_FACTOR * TAG_SAMPLE} matches).`,
  ].join(" "),
  security: [{}, { bearerAuth: [] }],
  middleware: [identifyAccount] as const,
  request: {
    query: z.object({
      q: z.string().min(1).max(200).openapi({ example: "pup hood" }),
      type: z.enum(["profiles", "content", "tags"]).default("content"),
      safe: z.enum(["on", "off"]).optional(),
      limit: z.coerce.number().int().min(1).max(50).default(20),
      cursor: z
        .string()
        .regex(/^[0-9]{1,4}$/, "a cursor this search gave out")
        .optional(),
    }),
  },
  responses: {
    200: {
      description: "Results, best first, and the cursor of the next page (null at the end).",
      content: {
        "application/json": {
          schema: z
            .object({
              type: z.enum(["profiles", "content", "tags"]),
              words: z.array(z.string()).openapi({ description: "The words searched for, as understood." }),
              items: z.array(z.union([ProfileResult, ContentResult, TagResult])),
              nextCursor: z.string().nullable(),
            })
            .openapi("SearchResults"),
        },
      },
    },
  },
});

export function registerSearch(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const host = c.get("host");
    if (host.kind !== "tenant") throw new ApiError("not_found", "Search is served on a brand's host.");
    const tenant = host.tenant;
    const query = c.req.valid("query");
    const db = c.get("services").db;
    const caller = callerOf(c);
    const profile = caller ? await findOwnProfile(db, caller.subject) : undefined;
    requireFeature(tenant, "search", caller ? viewerOfProfile(profile) : undefined);
    if (query.safe === "off" && !caller)
      throw new ApiError("unauthenticated", "Sign in to turn safe search off.");
    const words = queryWords(query.q);
    if (words.length === 0) {
      throw new ApiError("validation_failed", "Search for at least one word of letters or digits.", {
        errors: [{ location: "query", path: "q", message: "has no words" }],
      });
    }
    const safe = query.safe === undefined ? tenant.settings.search.safeByDefault : query.safe === "on";
    const plan = searchPlan(words, tenant.settings.search, query.type === "tags" ? "tags" : undefined);
    c.header("Cache-Control", "private, no-store");
    if (plan.kind === "blocked") return c.json({ type: query.type, words, items: [], nextCursor: null }, 200);

    const offset = Number(query.cursor ?? 0);
    const scope: SearchScope = {
      match: plan.expression,
      tenantId: tenant.id,
      viewerProfileId: profile?.id ?? null,
      safe,
      now: Date.now(),
      limit: query.limit + 1,
      offset,
      window: Math.max(MIN_WINDOW, WINDOW_FACTOR * (offset + query.limit + 1)),
    };
    /** Filters the best matches first; a short page from a full window is asked again over all of them. */
    const exact = async <T>(search: (scope: SearchScope) => Promise<T[]>): Promise<T[]> => {
      const rows = await search(scope);
      return rows.length > query.limit ? rows : search({ ...scope, window: null });
    };
    const next = (found: number) =>
      found > query.limit && offset + query.limit < MAX_OFFSET ? String(offset + query.limit) : null;

    if (query.type === "profiles") {
      const rows = await exact((at) => searchProfiles(db, at));
      const items = rows.slice(0, query.limit).map((row) => ({
        id: row.id,
        handle: row.handle,
        displayName: row.display_name,
        bio: row.bio,
      }));
      return c.json({ type: query.type, words, items, nextCursor: next(rows.length) }, 200);
    }
    if (query.type === "content") {
      const rows = await exact((at) => searchContent(db, at));
      const items = rows.slice(0, query.limit).map((row) => ({
        id: row.id,
        creatorProfileId: row.creator_profile_id,
        creatorHandle: row.creator_handle,
        title: row.title,
        caption: row.caption,
        visibility: row.visibility,
        priceCents: row.price_cents,
        tags: JSON.parse(row.tags) as string[],
        rating: row.rating,
        publishedAt: new Date(row.publish_at).toISOString(),
      }));
      return c.json({ type: query.type, words, items, nextCursor: next(rows.length) }, 200);
    }
    // Tags: those of the matching posts that a searched word (or its synonym) begins.
    const blocked = new Set(tenant.settings.search.blockedTerms);
    const wanted = plan.words.flat();
    const tags = (await tagsOfMatches(db, { ...scope, window: WINDOW_FACTOR * TAG_SAMPLE })).filter(
      ({ tag }) =>
        wanted.some((word) => tag.startsWith(word)) &&
        !tag.split(/[^a-z0-9]+/).some((part) => blocked.has(part)),
    );
    const page = tags.slice(offset, offset + query.limit);
    return c.json({ type: query.type, words, items: page, nextCursor: next(tags.length - offset) }, 200);
  });
}

import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callBrand, expectProblem, newPerson, type TestPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { rankScore } from "./ranker";

type Brand = keyof typeof SEED.tenants;
type Page = { items: { id: string; likeCount: number }[]; nextCursor: string | null };

const HOUR = 60 * 60 * 1000;
let posts = 0;

/** A creator of their own with a follower of their own: the follower's feed holds only these posts. */
async function creatorAndFollower() {
  const creator = await newPerson({ present: true, creator: true });
  const fan = await newPerson({ present: true });
  await env.DB.prepare("INSERT INTO follow (follower_id, followee_id, created_at) VALUES (?, ?, ?)")
    .bind(fan.profileId, creator.profileId, Date.now())
    .run();
  return { creator, fan };
}

/** A post of the creator published on girlfanz at `publishedAt` with `likes` likes there. */
async function published(creator: TestPerson, publishedAt: number, likes = 0): Promise<string> {
  const n = ++posts;
  const id = `cnt_${String(n).padStart(22, "0")}RANK`;
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) VALUES (?, ?, ?, ?, 'public', ?, ?)",
    ).bind(id, creator.profileId, SEED.tenants.girlfanz.id, `ranked ${n}`, publishedAt, publishedAt),
    env.DB.prepare(
      "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, like_count, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?, ?)",
    ).bind(
      `ctm_${String(n).padStart(22, "0")}RANK`,
      id,
      SEED.tenants.girlfanz.id,
      publishedAt,
      likes,
      publishedAt,
      publishedAt,
    ),
  ]);
  return id;
}

async function ranked(person: TestPerson, query = "", brand: Brand = "girlfanz"): Promise<Page> {
  const token = await accessToken({ accountId: person.id, brand });
  const response = await callBrand("GET", `/v1/feed?algo=ranked${query}`, bearer(token), undefined, brand);
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

async function allPages(person: TestPerson, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await ranked(person, `&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe("the ranked feed", () => {
  it("orders by the documented score of recency and likes, page by page", async () => {
    const { creator, fan } = await creatorAndFollower();
    const now = Date.now();
    const spec: [number, number][] = [
      [now - 1 * HOUR, 0],
      [now - 14 * HOUR, 12],
      [now - 30 * HOUR, 400],
      [now - 2 * HOUR, 1],
      [now - 26 * HOUR, 0],
      [now - 13 * HOUR, 9],
      [now - 40 * HOUR, 5000],
    ];
    const ids = [];
    for (const [at, likes] of spec)
      ids.push({ id: await published(creator, at, likes), score: rankScore(at, likes) });
    const expected = ids.sort((a, b) => b.score - a.score).map((post) => post.id);
    // Recency alone would put the newest first; likes must have reordered it.
    expect(expected[0]).not.toBe(ids.find((post) => post.score === rankScore(now - HOUR, 0))?.id);
    expect(await allPages(fan, 3)).toEqual(expected);

    const stored = await env.DB.prepare(
      "SELECT content_id, rank_score FROM content_tenant_map WHERE content_id = ?",
    )
      .bind(expected[0])
      .first<{ rank_score: number }>();
    const top = spec.map(([at, likes]) => rankScore(at, likes)).sort((a, b) => b - a)[0];
    expect(stored?.rank_score).toBeCloseTo(top ?? Number.NaN, 9);
  });

  it("never repeats or skips a post when others are published or liked into the top while paging", async () => {
    const { creator, fan } = await creatorAndFollower();
    const now = Date.now();
    for (let i = 0; i < 6; i++) await published(creator, now - i * HOUR, i);
    const first = await ranked(fan, "&limit=3");
    const fresh = await published(creator, now, 50);
    const second = await ranked(fan, `&limit=3&cursor=${first.nextCursor}`);
    const third = second.nextCursor
      ? await ranked(fan, `&limit=3&cursor=${second.nextCursor}`)
      : { items: [] };
    const seen = [...first.items, ...second.items, ...third.items].map((item) => item.id);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect(seen).not.toContain(fresh);
    expect((await ranked(fan, "&limit=1")).items[0]?.id).toBe(fresh);
  });

  it("is moved by likes: one like per fan, taken back by unliking", async () => {
    const { creator, fan } = await creatorAndFollower();
    const now = Date.now();
    const older = await published(creator, now - HOUR);
    const newer = await published(creator, now);
    expect((await ranked(fan)).items.map((item) => item.id)).toEqual([newer, older]);

    const token = await accessToken({ accountId: fan.id, brand: "girlfanz" });
    for (let i = 0; i < 2; i++) {
      const liked = await callBrand("POST", `/v1/content/${older}/like`, bearer(token));
      expect(liked.status).toBe(200);
      expect(await liked.json()).toEqual({ liked: true, likeCount: 1 });
    }
    const page = await ranked(fan);
    expect(page.items.map((item) => item.id)).toEqual([older, newer]);
    expect(page.items[0]?.likeCount).toBe(1);

    const unliked = await callBrand("DELETE", `/v1/content/${older}/like`, bearer(token));
    expect(await unliked.json()).toEqual({ liked: false, likeCount: 0 });
    expect((await ranked(fan)).items.map((item) => item.id)).toEqual([newer, older]);
  });

  it("counts likes per brand: a like on girlfanz does not rank the post on pupfanz", async () => {
    const { creator, fan } = await creatorAndFollower();
    const id = await published(creator, Date.now() - HOUR);
    await env.DB.prepare(
      "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
    )
      .bind(`ctm_pup${id.slice(7)}`, id, SEED.tenants.pupfanz.id, Date.now() - HOUR, Date.now(), Date.now())
      .run();
    const token = await accessToken({ accountId: fan.id, brand: "girlfanz" });
    expect((await callBrand("POST", `/v1/content/${id}/like`, bearer(token))).status).toBe(200);
    const counts = await env.DB.prepare(
      "SELECT tenant_id, like_count FROM content_tenant_map WHERE content_id = ? ORDER BY tenant_id",
    )
      .bind(id)
      .all<{ tenant_id: string; like_count: number }>();
    expect(Object.fromEntries(counts.results.map((row) => [row.tenant_id, row.like_count]))).toEqual({
      [SEED.tenants.girlfanz.id]: 1,
      [SEED.tenants.pupfanz.id]: 0,
    });
  });

  it("is behind the brand's feedRanked flag: off on daddyfanz, rolled out to creators on pupfanz", async () => {
    const { creator, fan } = await creatorAndFollower();
    const daddy = await accessToken({ accountId: fan.id, brand: "daddyfanz" });
    await expectProblem(
      await callBrand("GET", "/v1/feed?algo=ranked", bearer(daddy), undefined, "daddyfanz"),
      404,
      "feature_disabled",
    );
    expect((await callBrand("GET", "/v1/feed", bearer(daddy), undefined, "daddyfanz")).status).toBe(200);
    expect((await ranked(creator, "", "pupfanz")).items).toEqual([]);
  });
});

describe("likes", () => {
  it("are refused to anonymous callers, and posts a fan cannot see cannot be liked", async () => {
    const { creator, fan } = await creatorAndFollower();
    const id = await published(creator, Date.now());
    await expectProblem(await callBrand("POST", `/v1/content/${id}/like`), 401, "unauthenticated");
    const pupToken = await accessToken({ accountId: fan.id, brand: "pupfanz" });
    await expectProblem(
      await callBrand("POST", `/v1/content/${id}/like`, bearer(pupToken), undefined, "pupfanz"),
      404,
      "not_found",
    );
    await env.DB.prepare("INSERT INTO block (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)")
      .bind(creator.profileId, fan.profileId, Date.now())
      .run();
    const token = await accessToken({ accountId: fan.id, brand: "girlfanz" });
    await expectProblem(await callBrand("POST", `/v1/content/${id}/like`, bearer(token)), 404, "not_found");
    const row = await env.DB.prepare("SELECT like_count FROM content_tenant_map WHERE content_id = ?")
      .bind(id)
      .first<{ like_count: number }>();
    expect(row?.like_count).toBe(0);
  });
});

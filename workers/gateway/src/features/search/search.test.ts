import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { createEvent } from "@fun/events";
import {
  accessToken,
  bearer,
  callBrand,
  eventually,
  expectProblem,
  newPerson,
  type TestPerson,
} from "@fun/testing";
import { describe, expect, it } from "vitest";
import { consumeEvents } from "../events/events.consumer";
import { searchIndexProjection } from "./search-index.projection";

type Brand = keyof typeof SEED.tenants;
type Results = {
  items: { id: string; tag?: string; posts?: number }[];
  nextCursor: string | null;
  words: string[];
};

/** A word no other test uses, so each test finds only its own posts. */
const unique = () => `zq${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;

async function tokenOf(person: TestPerson, brand: Brand = "girlfanz") {
  return bearer(await accessToken({ accountId: person.id, brand }));
}

async function search(query: string, brand: Brand = "girlfanz", headers: Record<string, string> = {}) {
  const response = await callBrand("GET", `/v1/search?${query}`, headers, undefined, brand);
  expect(response.status).toBe(200);
  return (await response.json()) as Results;
}

const ids = (results: Results) => results.items.map((item) => item.id);

/** Polls a search until `ready` holds (the index is fed by the events queue). */
function searchUntil(
  query: string,
  ready: (results: Results) => boolean,
  brand: Brand = "girlfanz",
  headers = {},
) {
  return eventually(async () => {
    const results = await search(query, brand, headers);
    return ready(results) ? results : undefined;
  });
}

async function publishedPost(creator: TestPerson, body: Record<string, unknown>, crosspost: Brand[] = []) {
  const token = await tokenOf(creator);
  const created = await callBrand("POST", "/v1/content", token, { visibility: "public", ...body });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  expect((await callBrand("POST", `/v1/content/${id}:publish`, token, {})).status).toBe(200);
  if (crosspost.length > 0)
    expect(
      (await callBrand("POST", `/v1/content/${id}:crosspost`, token, { tenants: crosspost })).status,
    ).toBe(200);
  return id;
}

const general = { rating: "general" };

describe("search", () => {
  it("finds a post on the brands it is published on and nowhere else", async () => {
    const creator = await newPerson({ present: true, creator: true });
    const word = unique();
    const id = await publishedPost(creator, { title: `Sunset ${word}`, ...general }, ["pupfanz"]);
    expect(ids(await searchUntil(`q=${word}`, (r) => r.items.length > 0))).toEqual([id]);
    expect(ids(await searchUntil(`q=${word}`, (r) => r.items.length > 0, "pupfanz"))).toEqual([id]);
    expect((await search(`q=${word}`, "daddyfanz")).items).toEqual([]);
    // A prefix of the word finds it too.
    expect(ids(await search(`q=${word.slice(0, 8)}`))).toContain(id);
  });

  it("speaks each brand's voice: synonyms of one brand do not apply on another", async () => {
    const creator = await newPerson({ present: true, creator: true });
    const word = unique();
    const id = await publishedPost(creator, { title: `Trainer ${word}`, ...general }, ["pupfanz"]);
    await searchUntil(`q=${word}`, (r) => r.items.length > 0, "pupfanz");
    expect(ids(await search(`q=handler+${word}`, "pupfanz"))).toEqual([id]);
    await searchUntil(`q=${word}`, (r) => r.items.length > 0);
    expect((await search(`q=handler+${word}`)).items).toEqual([]);
  });

  it("hides explicit posts under safe search, which only a signed-in caller may turn off", async () => {
    const creator = await newPerson({ present: true, creator: true });
    const fan = await newPerson({ present: true });
    const word = unique();
    const explicit = await publishedPost(creator, { title: `Late ${word}` });
    const safe = await publishedPost(creator, { title: `Early ${word}`, ...general });
    expect(ids(await searchUntil(`q=${word}`, (r) => r.items.length > 0))).toEqual([safe]);
    const all = await searchUntil(
      `q=${word}&safe=off`,
      (r) => r.items.length === 2,
      "girlfanz",
      await tokenOf(fan),
    );
    expect(ids(all).sort()).toEqual([explicit, safe].sort());
    await expectProblem(await callBrand("GET", `/v1/search?q=${word}&safe=off`), 401, "unauthenticated");
  });

  it("never finds blocked words, nor posts that carry them", async () => {
    const creator = await newPerson({ present: true, creator: true });
    const word = unique();
    const clean = await publishedPost(creator, { title: `Classroom ${word}`, ...general });
    const flagged = await publishedPost(creator, { title: `Schoolgirl ${word}`, ...general });
    expect(ids(await searchUntil(`q=${word}`, (r) => r.items.length > 0))).toEqual([clean]);
    expect(ids(await search(`q=${word}`))).not.toContain(flagged);
    expect((await search("q=schoolgirl")).items).toEqual([]);
  });

  it("follows edits, take-downs, hidden presence and blocks", async () => {
    const creator = await newPerson({ present: true, creator: true });
    const fan = await newPerson({ present: true });
    const before = unique();
    const after = unique();
    const id = await publishedPost(creator, { title: `Old ${before}`, ...general });
    await searchUntil(`q=${before}`, (r) => r.items.length > 0);
    const token = await tokenOf(creator);
    expect((await callBrand("PATCH", `/v1/content/${id}`, token, { title: `New ${after}` })).status).toBe(
      200,
    );
    expect(ids(await searchUntil(`q=${after}`, (r) => r.items.length > 0))).toEqual([id]);
    expect((await search(`q=${before}`)).items).toEqual([]);

    // Read-time checks: hidden presence and blocks apply at once, before any event.
    const presence = `/v1/profiles/${creator.profileId}/tenants/${SEED.tenants.girlfanz.id}`;
    expect((await callBrand("DELETE", presence, token)).status).toBe(200);
    expect((await search(`q=${after}`)).items).toEqual([]);
    expect((await callBrand("POST", presence, token)).status).toBe(200);
    expect(ids(await search(`q=${after}`))).toEqual([id]);
    expect((await callBrand("POST", `/v1/profiles/${fan.profileId}/block`, token)).status).toBe(200);
    expect((await search(`q=${after}`, "girlfanz", await tokenOf(fan))).items).toEqual([]);

    expect((await callBrand("DELETE", `/v1/content/${id}`, token)).status).toBe(204);
    expect((await search(`q=${after}`)).items).toEqual([]);
    // And once the take-down's event is applied, the post is out of the index itself.
    await eventually(async () => {
      const rows = await env.DB.prepare("SELECT count(*) AS n FROM search_entry WHERE subject_id = ?")
        .bind(id)
        .first<{ n: number }>();
      return rows?.n === 0 ? true : undefined;
    });
  });

  it("finds creators by name or handle where they are present, never fans", async () => {
    const creator = await newPerson({ present: true, creator: true });
    const fan = await newPerson({ present: true });
    const word = unique();
    const token = await tokenOf(creator);
    expect((await callBrand("PATCH", "/v1/me", token, { displayName: `Captain ${word}` })).status).toBe(200);
    expect(
      (await callBrand("PATCH", "/v1/me", await tokenOf(fan), { displayName: `Fan ${word}` })).status,
    ).toBe(200);
    const found = await searchUntil(`q=${word}&type=profiles`, (r) => r.items.length > 0);
    expect(ids(found)).toEqual([creator.profileId]);
    expect(ids(await search(`q=${creator.handle}&type=profiles`))).toEqual([creator.profileId]);
    expect(
      (
        await callBrand(
          "DELETE",
          `/v1/profiles/${creator.profileId}/tenants/${SEED.tenants.pupfanz.id}`,
          token,
        )
      ).status,
    ).toBe(200);
    await searchUntil(`q=${word}&type=profiles`, (r) => r.items.length === 0, "pupfanz");
  });

  it("counts the tags of matching posts", async () => {
    const creator = await newPerson({ present: true, creator: true });
    const tag = unique();
    await publishedPost(creator, { title: "One", tags: [tag, `${tag}-beach`], ...general });
    await publishedPost(creator, { title: "Two", tags: [tag], ...general });
    const found = await searchUntil(`q=${tag}&type=tags`, (r) => r.items.length === 2);
    expect(found.items).toEqual([
      { tag, posts: 2 },
      { tag: `${tag}-beach`, posts: 1 },
    ]);
  });

  it("refuses an empty query, a foreign cursor, and pages by cursor", async () => {
    await expectProblem(await callBrand("GET", "/v1/search?q=%20%2A%20"), 400, "validation_failed");
    await expectProblem(await callBrand("GET", "/v1/search?q=x&cursor=abc"), 400, "validation_failed");
    await expectProblem(await callBrand("GET", "/v1/search?q=x&type=people"), 400, "validation_failed");
    const creator = await newPerson({ present: true, creator: true });
    const word = unique();
    const posts = [];
    for (let i = 0; i < 3; i++)
      posts.push(await publishedPost(creator, { title: `Part ${i} ${word}`, ...general }));
    const first = await searchUntil(`q=${word}&limit=2`, (r) => r.nextCursor !== null);
    const second = await search(`q=${word}&limit=2&cursor=${first.nextCursor}`);
    expect([...ids(first), ...ids(second)].sort()).toEqual(posts.sort());
    expect(second.nextCursor).toBeNull();
  });

  it("indexes each event once, however often the queue delivers it", async () => {
    const creator = await newPerson({ present: true, creator: true });
    const word = unique();
    const id = await publishedPost(creator, { title: `Twice ${word}`, ...general }, ["daddyfanz"]);
    await searchUntil(`q=${word}`, (r) => r.items.length > 0, "daddyfanz");
    const event = createEvent(
      "fun.content.updated",
      { contentId: id, change: "edited" },
      { tenantId: SEED.tenants.girlfanz.id },
    );
    const message = (n: number) => ({ id: `search-${n}`, timestamp: new Date(), attempts: 1, body: event });
    const batch = createMessageBatch("fun-events", [message(1), message(2)]);
    const ctx = createExecutionContext();
    await consumeEvents(batch, env, [searchIndexProjection]);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(2);
    const counts = await env.DB.prepare(
      "SELECT count(*) AS entries, (SELECT count(*) FROM search_fts WHERE rowid IN (SELECT id FROM search_entry WHERE subject_id = ?1)) AS texts FROM search_entry WHERE subject_id = ?1",
    )
      .bind(id)
      .first<{ entries: number; texts: number }>();
    expect(counts).toEqual({ entries: 2, texts: 2 });
    const scopes = await env.DB.prepare(
      "SELECT f.scope FROM search_fts f JOIN search_entry e ON e.id = f.rowid WHERE e.subject_id = ? ORDER BY f.scope",
    )
      .bind(id)
      .all<{ scope: string }>();
    const token = (tenantId: string) => `tenant${tenantId.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
    expect(scopes.results.map((row) => row.scope).sort()).toEqual(
      [SEED.tenants.daddyfanz.id, SEED.tenants.girlfanz.id]
        .map((tenantId) => `${token(tenantId)} kindcontent ratinggeneral`)
        .sort(),
    );
    const receipts = await env.DB.prepare(
      "SELECT count(*) AS n FROM event_receipt WHERE consumer = 'search.index' AND event_id = ?",
    )
      .bind(event.id)
      .first<{ n: number }>();
    expect(receipts?.n).toBe(1);
  });

  it("stays exact when the best matches are all filtered out: a safe post behind 210 explicit ones", async () => {
    const creator = await newPerson({ present: true, creator: true });
    const word = unique();
    const now = Date.now();
    const posts = Array.from(
      { length: 211 },
      (_, i) => `cnt_${String(i).padStart(10, "0")}${word.slice(2).toUpperCase().padEnd(16, "0")}`,
    );
    await env.DB.batch(
      posts.flatMap((id, i) => {
        const safe = i === 210;
        return [
          env.DB.prepare(
            "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, rating, created_at, updated_at) VALUES (?, ?, ?, ?, 'public', ?, ?, ?)",
          ).bind(
            id,
            creator.profileId,
            SEED.tenants.girlfanz.id,
            safe ? `A long calm title about ${word} and more` : word,
            safe ? "general" : "explicit",
            now,
            now,
          ),
          env.DB.prepare(
            "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
          ).bind(`ctm_${id.slice(4)}`, id, SEED.tenants.girlfanz.id, now, now, now),
        ];
      }),
    );
    const events = posts.map((contentId, i) => ({
      id: `window-${i}`,
      timestamp: new Date(),
      attempts: 1,
      body: createEvent(
        "fun.content.updated",
        { contentId, change: "edited" },
        { tenantId: SEED.tenants.girlfanz.id },
      ),
    }));
    await consumeEvents(createMessageBatch("fun-events", events), env, [searchIndexProjection]);
    expect(ids(await search(`q=${word}`))).toEqual([posts[210]]);
    const fan = await newPerson({ present: true });
    expect((await search(`q=${word}&safe=off&limit=50`, "girlfanz", await tokenOf(fan))).items).toHaveLength(
      50,
    );
  });
});

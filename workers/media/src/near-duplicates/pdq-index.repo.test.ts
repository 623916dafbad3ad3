import { env } from "cloudflare:workers";
import { createCoreDb, mediaPdqIndex } from "@fun/db";
import { beforeEach, describe, expect, it } from "vitest";
import { pdqHexFromWords } from "./pdq-bits";
import { pdqIndexEntry, searchPdqIndex } from "./pdq-index.repo";
import { seededRandom, writeRandomHash } from "./synthetic";

const db = createCoreDb(env.DB);

/** A hash at exactly `distance` from `hash`: the lowest `distance` bits of its last words flipped. */
function at(hash: string, distance: number): string {
  const value = BigInt(`0x${hash}`) ^ ((1n << BigInt(distance)) - 1n);
  return value.toString(16).padStart(64, "0");
}

function randomHash(random: () => number): string {
  const packed = new Uint32Array(8);
  writeRandomHash(random, packed, 0);
  const words = new Uint16Array(16);
  for (let k = 0; k < 8; k++) {
    words[2 * k] = (packed[k] ?? 0) >>> 16;
    words[2 * k + 1] = (packed[k] ?? 0) & 0xffff;
  }
  return pdqHexFromWords(words);
}

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM media_pdq_index").run();
});

describe("the stored PDQ index", () => {
  it("finds every hash within the radius, whatever slots the differences fall in, and nothing beyond", async () => {
    const random = seededRandom(11);
    const query = randomHash(random);
    const now = Date.now();
    // 31 flipped bits spread one per slot but for one slot that keeps 15: the worst case for MIH.
    const spread = (() => {
      let value = BigInt(`0x${query}`);
      for (let slot = 0; slot < 15; slot++) value ^= 3n << BigInt(slot * 16);
      value ^= 1n << 250n;
      return value.toString(16).padStart(64, "0");
    })();
    const entries = [
      pdqIndexEntry("ast_exact", "asset", query, 100, now),
      pdqIndexEntry("ast_31", "asset", at(query, 31), 100, now),
      pdqIndexEntry("ast_32", "asset", at(query, 32), 100, now),
      pdqIndexEntry("ast_spread", "asset", spread, 100, now),
      pdqIndexEntry("kbh_list", "known_bad", at(query, 3), 100, now),
      ...Array.from({ length: 40 }, (_, i) =>
        pdqIndexEntry(`ast_noise${i}`, "asset", randomHash(random), 100, now),
      ),
    ];
    for (let i = 0; i < entries.length; i += 4)
      await db.insert(mediaPdqIndex).values(entries.slice(i, i + 4));

    const found = await searchPdqIndex(db, { orig: query });
    expect(found.map((m) => [m.subjectId, m.distance])).toEqual([
      ["ast_exact", 0],
      ["kbh_list", 3],
      ["ast_31", 31],
      ["ast_spread", 31],
    ]);
    expect(await searchPdqIndex(db, { orig: query }, { kinds: ["known_bad"] })).toMatchObject([
      { subjectId: "kbh_list" },
    ]);
    expect((await searchPdqIndex(db, { orig: query }, { radius: 32 })).map((m) => m.subjectId)).toContain(
      "ast_32",
    );
    expect((await searchPdqIndex(db, { orig: query }, { exclude: "ast_exact", radius: 0 })).length).toBe(0);
  });

  it("keeps each match's best variant", async () => {
    const random = seededRandom(5);
    const [a, b] = [randomHash(random), randomHash(random)];
    await db.insert(mediaPdqIndex).values(pdqIndexEntry("ast_target", "asset", a, 90, Date.now()));
    expect(await searchPdqIndex(db, { orig: b, rot90: at(a, 2), flipx: at(a, 5) })).toMatchObject([
      { subjectId: "ast_target", distance: 2, variant: "rot90" },
    ]);
  });

  it("answers wide queries (radius 47, 8 variants: over 100 KB of SQL as one statement) in several", async () => {
    const random = seededRandom(9);
    const target = randomHash(random);
    await db.insert(mediaPdqIndex).values(pdqIndexEntry("ast_wide", "asset", target, 100, Date.now()));
    const variants = Object.fromEntries(
      ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp"].map((name) => [
        name,
        randomHash(random),
      ]),
    );
    const found = await searchPdqIndex(db, { ...variants, flipm: at(target, 47) }, { radius: 47 });
    expect(found).toMatchObject([{ subjectId: "ast_wide", distance: 47, variant: "flipm" }]);
  });

  it("answers with index lookups, not a scan of the table", async () => {
    const plan = await env.DB.prepare(
      "EXPLAIN QUERY PLAN SELECT subject_id FROM media_pdq_index WHERE s0 IN (1,2) OR s1 IN (3) OR s15 IN (4,5)",
    ).all<{ detail: string }>();
    const details = plan.results.map((step) => step.detail).join("\n");
    expect(details).toMatch(/MULTI-INDEX OR/);
    expect(details).toMatch(/media_pdq_index_s15/);
    expect(details).not.toMatch(/SCAN media_pdq_index(?! USING)/);
  });

  it("refuses radii the index cannot answer by lookups", async () => {
    await expect(searchPdqIndex(db, { orig: "0".repeat(64) }, { radius: 48 })).rejects.toThrow(RangeError);
  });
});

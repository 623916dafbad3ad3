import { describe, expect, it } from "vitest";
import { linearScan } from "./linear-scan";
import { PdqIndex } from "./multi-index";
import { PDQ_WORDS32, packedPdqHash, pdqDistance, pdqHexFromWords, unpackPdqHash } from "./pdq-bits";
import { randomBelow, seededRandom, writeNeighbour, writeRandomHash } from "./synthetic";

const ITEMS = 20_000;
const QUERIES = 200;

/**
 * 20,000 hashes: uniform random, except that each of 200 queries has planted neighbours at
 * distances 0–31 (every distance, across the queries) and planted non-neighbours at 32–40.
 */
function corpus(seed: number) {
  const random = seededRandom(seed);
  const packed = new Uint32Array(ITEMS * PDQ_WORDS32);
  for (let i = 0; i < ITEMS; i++) writeRandomHash(random, packed, i * PDQ_WORDS32);
  const needles = new Uint32Array(QUERIES * PDQ_WORDS32);
  const near: { query: number; item: number; distance: number }[] = [];
  const far: { query: number; item: number; distance: number }[] = [];
  let item = 0;
  for (let q = 0; q < QUERIES; q++) {
    writeRandomHash(random, needles, q * PDQ_WORDS32);
    const plants = [
      q % 32,
      (q * 7 + 3) % 32,
      randomBelow(random, 32),
      32 + (q % 9),
      32 + randomBelow(random, 9),
    ];
    for (const distance of plants) {
      item += 1 + randomBelow(random, 10);
      writeNeighbour(random, needles, q * PDQ_WORDS32, distance, packed, item * PDQ_WORDS32);
      (distance <= 31 ? near : far).push({ query: q, item, distance });
    }
  }
  const queries = Array.from({ length: QUERIES }, (_, q) => unpackPdqHash(needles, q * PDQ_WORDS32));
  const index = new PdqIndex<{ item: number }>();
  for (let i = 0; i < ITEMS; i++) index.add(itemId(i), unpackPdqHash(packed, i * PDQ_WORDS32), { item: i });
  return { packed, queries, index, near, far };
}

function itemId(index: number): string {
  return `item-${String(index).padStart(5, "0")}`;
}

function scanned(packed: Uint32Array, query: Uint16Array, radius?: number) {
  return linearScan(packed, query, radius).map(({ index, distance }) => ({ id: itemId(index), distance }));
}

function found(index: PdqIndex<{ item: number }>, query: Uint16Array, radius?: number) {
  return index.query(query, radius).map(({ id, distance }) => ({ id, distance }));
}

describe("the PDQ multi-index", () => {
  const data = corpus(20240611);

  it("finds exactly what a linear scan finds at radius 31, planted neighbours included", () => {
    expect(data.index.size).toBe(ITEMS);
    let pairs = 0;
    for (const query of data.queries) {
      const expected = scanned(data.packed, query);
      pairs += expected.length;
      expect(found(data.index, query)).toEqual(expected);
    }
    expect(pairs).toBeGreaterThanOrEqual(data.near.length);
    for (const { query, item, distance } of data.near) {
      expect(data.index.query(data.queries[query] as Uint16Array)).toContainEqual({
        id: itemId(item),
        distance,
        meta: { item },
      });
    }
    expect(new Set(data.near.map(({ distance }) => distance)).size).toBe(32);
  });

  it("returns no planted hash at distances 32 to 40", () => {
    for (const { query, item, distance } of data.far) {
      expect(distance).toBeGreaterThanOrEqual(32);
      const ids = data.index.query(data.queries[query] as Uint16Array).map(({ id }) => id);
      expect(ids).not.toContain(itemId(item));
      expect(ids.length).toBeGreaterThan(0);
    }
  });

  it("agrees with the linear scan at other radii, above 63 by scanning", () => {
    for (const radius of [0, 15, 16, 40, 47, 63, 64, 100]) {
      for (const query of data.queries.slice(0, 20)) {
        expect(found(data.index, query, radius)).toEqual(scanned(data.packed, query, radius));
      }
    }
    expect(() => data.index.query(data.queries[0] as Uint16Array, 257)).toThrow(RangeError);
    expect(() => data.index.query(data.queries[0] as Uint16Array, -1)).toThrow(RangeError);
  });

  it("agrees with its own linear query, sorted by distance then id", () => {
    const query = data.queries[1] as Uint16Array;
    expect(data.index.query(query, 40)).toEqual(data.index.linearQuery(query, 40));
    const result = data.index.query(query, 40);
    for (let i = 1; i < result.length; i++) {
      const [a, b] = [result[i - 1], result[i]] as [
        { id: string; distance: number },
        { id: string; distance: number },
      ];
      expect(a.distance < b.distance || (a.distance === b.distance && a.id < b.id)).toBe(true);
    }
  });

  it("finds items added after its tables were built, before and after the next rebuild", () => {
    const index = new PdqIndex<string>({ pendingLimit: 100 });
    const random = seededRandom(99);
    const packed = new Uint32Array(1000 * PDQ_WORDS32);
    for (let i = 0; i < 1000; i++) writeRandomHash(random, packed, i * PDQ_WORDS32);
    for (let i = 0; i < 800; i++) index.add(`a${i}`, unpackPdqHash(packed, i * PDQ_WORDS32));
    const query = unpackPdqHash(packed, 0);
    expect(index.query(query).map(({ id }) => id)).toEqual(["a0"]);
    const builtBytes = index.typedArrayBytes;
    const late = new Uint32Array(PDQ_WORDS32);
    writeNeighbour(random, packed, 0, 17, late, 0);
    index.add("late", pdqHexFromWords(unpackPdqHash(late)), "added late");
    expect(index.query(query)).toEqual([
      { id: "a0", distance: 0, meta: undefined },
      { id: "late", distance: 17, meta: "added late" },
    ]);
    for (let i = 800; i < 1000; i++) index.add(`a${i}`, unpackPdqHash(packed, i * PDQ_WORDS32));
    expect(index.query(unpackPdqHash(packed, 999 * PDQ_WORDS32)).map(({ id }) => id)).toEqual(["a999"]);
    expect(index.query(query).map(({ id }) => id)).toEqual(["a0", "late"]);
    expect(index.typedArrayBytes).toBeGreaterThan(builtBytes);
  });

  it("stops returning removed items and reuses their places", () => {
    const index = new PdqIndex<number>({ pendingLimit: 0 });
    const random = seededRandom(42);
    const base = new Uint32Array(PDQ_WORDS32);
    writeRandomHash(random, base, 0);
    const hashes = new Uint32Array(3000 * PDQ_WORDS32);
    for (let i = 0; i < 3000; i++) {
      if (i < 30) writeNeighbour(random, base, 0, i, hashes, i * PDQ_WORDS32);
      else writeRandomHash(random, hashes, i * PDQ_WORDS32);
      index.add(`n${i}`, unpackPdqHash(hashes, i * PDQ_WORDS32), i);
    }
    const query = unpackPdqHash(base);
    expect(index.query(query).map(({ id }) => id)).toEqual(Array.from({ length: 30 }, (_, i) => `n${i}`));

    for (let i = 0; i < 30; i += 2) expect(index.remove(`n${i}`)).toBe(true);
    expect(index.remove("n0")).toBe(false);
    expect(index.remove("never-added")).toBe(false);
    expect(index.size).toBe(2985);
    expect(index.has("n0")).toBe(false);
    expect(index.hashOf("n0")).toBeUndefined();
    expect(index.query(query).map(({ id, meta }) => [id, meta])).toEqual(
      Array.from({ length: 15 }, (_, k) => [`n${2 * k + 1}`, 2 * k + 1]),
    );
    expect(index.query(query)).toEqual(index.linearQuery(query));

    // New items take the freed places; none inherits a removed item's id, hash or metadata.
    for (let i = 0; i < 15; i++) index.add(`fresh${i}`, unpackPdqHash(hashes, (100 + i) * PDQ_WORDS32));
    expect(index.size).toBe(3000);
    expect(index.query(query).map(({ id }) => id)).toEqual(
      Array.from({ length: 15 }, (_, k) => `n${2 * k + 1}`),
    );
    expect(index.query(unpackPdqHash(hashes, 100 * PDQ_WORDS32))).toEqual([
      { id: "fresh0", distance: 0, meta: undefined },
      { id: "n100", distance: 0, meta: 100 },
    ]);

    // Adding under an existing id replaces its hash.
    index.add("n1", pdqHexFromWords(unpackPdqHash(hashes, 2999 * PDQ_WORDS32)), -1);
    expect(index.size).toBe(3000);
    expect(index.hashOf("n1")).toBe(pdqHexFromWords(unpackPdqHash(hashes, 2999 * PDQ_WORDS32)));
    expect(index.query(query).map(({ id }) => id)).not.toContain("n1");
    expect(index.query(unpackPdqHash(hashes, 2999 * PDQ_WORDS32)).map(({ id, meta }) => [id, meta])).toEqual([
      ["n1", -1],
      ["n2999", 2999],
    ]);

    // Removing most of the index triggers a rebuild; answers stay those of the scan.
    for (let i = 200; i < 2900; i++) index.remove(`n${i}`);
    expect(index.size).toBe(300);
    for (const probe of [query, unpackPdqHash(hashes, 2950 * PDQ_WORDS32)]) {
      expect(index.query(probe, 60)).toEqual(index.linearQuery(probe, 60));
    }
  });

  it("reports an item once when its row was freed and reused before the next rebuild", () => {
    const index = new PdqIndex({ pendingLimit: 1000 });
    index.add("first", "0".repeat(64));
    index.remove("first");
    index.add("second", "0".repeat(64));
    index.add("second", `${"0".repeat(63)}1`);
    expect(index.query("0".repeat(64))).toEqual([{ id: "second", distance: 1, meta: undefined }]);
    expect(index.queryAll(["0".repeat(64), "0".repeat(64)])).toEqual([
      { id: "second", distance: 1, meta: undefined, variant: 0 },
    ]);
  });

  it("leaves itself unchanged when given a malformed hash", () => {
    const index = new PdqIndex();
    index.add("kept", "ab".repeat(32));
    expect(() => index.add("kept", "not a hash")).toThrow(TypeError);
    expect(() => index.add("other", "ab".repeat(31))).toThrow(TypeError);
    expect(index.size).toBe(1);
    expect(index.hashOf("kept")).toBe("ab".repeat(32));
    expect(() => index.query("zz".repeat(32))).toThrow(TypeError);
  });

  it("answers a small index without tables, and an empty one with nothing", () => {
    const empty = new PdqIndex();
    expect(empty.query("0".repeat(64))).toEqual([]);
    expect(empty.queryAll(["0".repeat(64)])).toEqual([]);
    const small = new PdqIndex();
    small.add("zero", "0".repeat(64));
    small.add("four", `f${"0".repeat(63)}`);
    small.add("far", "f".repeat(64));
    expect(small.query("0".repeat(64))).toEqual([
      { id: "zero", distance: 0, meta: undefined },
      { id: "four", distance: 4, meta: undefined },
    ]);
    expect(small.typedArrayBytes).toBeLessThan(100_000);
  });
});

describe("querying with several variants", () => {
  it("keeps each item's smallest distance and the variant that reached it", () => {
    const random = seededRandom(8);
    const variants = new Uint32Array(8 * PDQ_WORDS32);
    for (let v = 0; v < 8; v++) writeRandomHash(random, variants, v * PDQ_WORDS32);
    const index = new PdqIndex<string>({ pendingLimit: 0 });
    for (let i = 0; i < 5000; i++) {
      const hash = new Uint32Array(PDQ_WORDS32);
      writeRandomHash(random, hash, 0);
      index.add(`r${i}`, unpackPdqHash(hash));
    }
    const plant = (id: string, variant: number, distance: number) => {
      const hash = new Uint32Array(PDQ_WORDS32);
      writeNeighbour(random, variants, variant * PDQ_WORDS32, distance, hash, 0);
      index.add(id, unpackPdqHash(hash), id);
      return unpackPdqHash(hash);
    };
    plant("rotated", 3, 5);
    plant("mirrored", 7, 30);
    plant("original", 0, 12);
    const near2 = plant("near-two", 2, 9);
    // Variant 5 is also within reach of near-two, but farther: variant 2 must still win.
    const queries = Array.from({ length: 8 }, (_, v) => unpackPdqHash(variants, v * PDQ_WORDS32));
    const moreDistant = new Uint32Array(PDQ_WORDS32);
    writeNeighbour(random, packedPdqHash(near2), 0, 20, moreDistant, 0);
    queries[5] = unpackPdqHash(moreDistant);

    const matches = index.queryAll(queries);
    expect(matches).toEqual([
      { id: "rotated", distance: 5, meta: "rotated", variant: 3 },
      { id: "near-two", distance: 9, meta: "near-two", variant: 2 },
      { id: "original", distance: 12, meta: "original", variant: 0 },
      { id: "mirrored", distance: 30, meta: "mirrored", variant: 7 },
    ]);
    expect(pdqDistance(queries[5] as Uint16Array, near2)).toBe(20);
  });

  it("reports the first variant on a tie, and the key when given a record", () => {
    const index = new PdqIndex();
    index.add("image", "0".repeat(64));
    const one = `${"0".repeat(63)}1`;
    const two = `${"0".repeat(63)}3`;
    expect(index.queryAll([two, one, one])).toEqual([
      { id: "image", distance: 1, meta: undefined, variant: 1 },
    ]);
    const dihedral = { orig: two, rot90: one, rot180: "f".repeat(64), flipx: one };
    const matches = index.queryAll(dihedral);
    expect(matches).toEqual([{ id: "image", distance: 1, meta: undefined, variant: "rot90" }]);
    const variant: "orig" | "rot90" | "rot180" | "flipx" | undefined = matches[0]?.variant;
    expect(variant).toBe("rot90");
    expect(index.queryAll([two], 1)).toEqual([]);
  });

  it("matches the best of the variants' own queries on random data", () => {
    const random = seededRandom(1234);
    const packed = new Uint32Array(10_000 * PDQ_WORDS32);
    for (let i = 0; i < 10_000; i++) writeRandomHash(random, packed, i * PDQ_WORDS32);
    const variants = new Uint32Array(8 * PDQ_WORDS32);
    for (let v = 0; v < 8; v++) {
      writeRandomHash(random, variants, v * PDQ_WORDS32);
      for (let j = 0; j < 3; j++) {
        const at = randomBelow(random, 10_000);
        writeNeighbour(random, variants, v * PDQ_WORDS32, randomBelow(random, 45), packed, at * PDQ_WORDS32);
      }
    }
    const index = new PdqIndex();
    for (let i = 0; i < 10_000; i++) index.add(`p${i}`, unpackPdqHash(packed, i * PDQ_WORDS32));
    const queries = Array.from({ length: 8 }, (_, v) => unpackPdqHash(variants, v * PDQ_WORDS32));
    const best = new Map<string, { distance: number; variant: number }>();
    queries.forEach((query, variant) => {
      for (const { index: at, distance } of linearScan(packed, query, 40)) {
        const known = best.get(`p${at}`);
        if (!known || distance < known.distance) best.set(`p${at}`, { distance, variant });
      }
    });
    const expected = [...best]
      .map(([id, { distance, variant }]) => ({ id, distance, meta: undefined, variant }))
      .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
    expect(expected.length).toBeGreaterThan(8);
    expect(index.queryAll(queries, 40)).toEqual(expected);
  });
});

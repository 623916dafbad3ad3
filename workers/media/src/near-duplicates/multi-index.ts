import {
  assertRadius,
  PDQ_MATCH_RADIUS,
  PDQ_WORDS32,
  type PdqHash,
  packedDistanceAtMost,
  packPdqHash,
  pdqHexFromWords,
  popcount32,
  unpackPdqHash,
} from "./pdq-bits";

/**
 * Multi-index hashing (Norouzi, Punjani and Fleet, "Fast Exact Search in Hamming Space with
 * Multi-Index Hashing", 2014), shaped like Meta's reference MIH256 (pdq/cpp/index/mihindex.h):
 * each hash is cut into 16 slots of 16 bits, and each slot has a table from slot value to items.
 * Two hashes within distance r differ by at most k = ⌊r/16⌋ bits in at least one slot
 * (pigeonhole), so a query probes, in every slot, each value within k bits of its own (17 values
 * at r = 31) and checks each candidate's full 256-bit distance. Results are exact: what a linear
 * scan finds.
 *
 * Layout, in typed arrays so a million hashes stay compact (about 100 bytes an item, plus the ids
 * and their map). Items live in rows:
 * - `words`: every row's hash, eight 32-bit words at row × 8 (see pdq-bits.ts).
 * - `state`: per row, whether its current hash is in the tables, waiting in `pending`, or free.
 * - The tables, built in one pass by counting sort (compressed sparse rows): `offsets` holds
 *   16 × 65,537 positions, and the rows whose slot s has value v are
 *   `postings[offsets[s·65537 + v] .. offsets[s·65537 + v + 1])`, in row order.
 * - Rows added since the last build wait in `pending` and are checked directly; the tables are
 *   rebuilt at the next query once more than `pendingLimit` wait (or many were removed), so a bulk
 *   load builds once and a steady trickle of adds pays an amortised rebuild.
 * - A removed item's row is reused by a later add. Table entries left behind are skipped, as the
 *   row's state is no longer "in the tables".
 *
 * A match can be reached from several slots; it is reported only from the first slot where it is
 * within k bits of the query (the one it was first reached from), so no per-query set is needed.
 * Radii above 63 (k > 3) would probe thousands of values per slot, so, as the reference advises,
 * they are answered by a scan of all rows.
 */

const SLOTS = 16;
const SLOT_VALUES = 1 << 16;
const OFFSETS_PER_SLOT = SLOT_VALUES + 1;
const MAX_SLOT_RADIUS = 3;
const DEFAULT_PENDING_LIMIT = 4096;
const DEFAULT_CAPACITY = 1024;

const FREE = 0;
const TABLED = 1;
const PENDING = 2;

/** For k = 0..3, every 16-bit mask with at most k bits set: the slot values to probe are v ^ mask. */
const PROBE_MASKS: readonly Uint16Array[] = Array.from({ length: MAX_SLOT_RADIUS + 1 }, (_, k) => {
  const masks: number[] = [];
  for (let mask = 0; mask < SLOT_VALUES; mask++) if (popcount32(mask) <= k) masks.push(mask);
  return Uint16Array.from(masks);
});

/** A stored hash within the radius of a query. */
export interface NearDuplicate<M> {
  id: string;
  distance: number;
  meta: M | undefined;
}

/** The closest of several query hashes (e.g. the eight dihedral variants) that matched an item. */
export interface VariantMatch<M, V> extends NearDuplicate<M> {
  variant: V;
}

export interface PdqIndexOptions {
  /** Items added since the last table build that are checked directly before a rebuild. Default 4096. */
  pendingLimit?: number;
  /** Rows to allocate up front (the arrays double as needed). Default 1024. */
  initialCapacity?: number;
}

/** An exact Hamming-distance index over PDQ hashes, keyed by id, with optional metadata per item. */
export class PdqIndex<M = undefined> {
  readonly #pendingLimit: number;
  #capacity: number;
  #words: Uint32Array;
  #state: Uint8Array;
  #used = 0;
  readonly #ids: (string | undefined)[] = [];
  readonly #metas: (M | undefined)[] = [];
  readonly #rowOf = new Map<string, number>();
  readonly #free: number[] = [];
  #pending: number[] = [];
  #removedSinceBuild = 0;
  #tabled = 0;
  #offsets: Uint32Array | undefined;
  #postings: Uint32Array | undefined;
  readonly #scratch = new Uint32Array(PDQ_WORDS32);

  constructor(options: PdqIndexOptions = {}) {
    this.#pendingLimit = Math.max(0, options.pendingLimit ?? DEFAULT_PENDING_LIMIT);
    this.#capacity = Math.max(1, options.initialCapacity ?? DEFAULT_CAPACITY);
    this.#words = new Uint32Array(this.#capacity * PDQ_WORDS32);
    this.#state = new Uint8Array(this.#capacity);
  }

  /** Items in the index. */
  get size(): number {
    return this.#rowOf.size;
  }

  /** Bytes held in typed arrays (hashes and tables); ids and metadata come on top. */
  get typedArrayBytes(): number {
    return (
      this.#words.byteLength +
      this.#state.byteLength +
      (this.#offsets?.byteLength ?? 0) +
      (this.#postings?.byteLength ?? 0)
    );
  }

  has(id: string): boolean {
    return this.#rowOf.has(id);
  }

  /** The stored hash of an item, as hex. */
  hashOf(id: string): string | undefined {
    const row = this.#rowOf.get(id);
    return row === undefined ? undefined : pdqHexFromWords(unpackPdqHash(this.#words, row * PDQ_WORDS32));
  }

  /** Adds an item, or replaces the hash and metadata of an item already stored under that id. */
  add(id: string, hash: PdqHash, meta?: M): void {
    // Parse first, so a malformed hash leaves the index as it was.
    packPdqHash(hash, this.#scratch, 0);
    if (this.#rowOf.has(id)) this.remove(id);
    const row = this.#free.pop() ?? this.#allocateRow();
    this.#words.set(this.#scratch, row * PDQ_WORDS32);
    this.#ids[row] = id;
    if (meta !== undefined || row < this.#metas.length) this.#metas[row] = meta;
    this.#rowOf.set(id, row);
    // A row removed while pending is still in the list; listing it twice would report it twice.
    if (this.#state[row] !== PENDING) this.#pending.push(row);
    this.#state[row] = PENDING;
  }

  /** Removes an item; false if there was none under that id. */
  remove(id: string): boolean {
    const row = this.#rowOf.get(id);
    if (row === undefined) return false;
    this.#rowOf.delete(id);
    this.#ids[row] = undefined;
    if (row < this.#metas.length) this.#metas[row] = undefined;
    if (this.#state[row] === TABLED) this.#state[row] = FREE;
    this.#free.push(row);
    this.#removedSinceBuild++;
    return true;
  }

  /** Items within `radius` (default 31) of the hash, by distance then id. */
  query(hash: PdqHash, radius = PDQ_MATCH_RADIUS): NearDuplicate<M>[] {
    return this.#matches(hash, radius, false);
  }

  /** The same answer as `query`, by checking every item: the baseline for tests and the benchmark. */
  linearQuery(hash: PdqHash, radius = PDQ_MATCH_RADIUS): NearDuplicate<M>[] {
    return this.#matches(hash, radius, true);
  }

  /**
   * Items within `radius` of any of several hashes (e.g. the eight dihedral variants of an upload),
   * each once, with its smallest distance and the variant that reached it (the first one on a tie):
   * the array index for an array, the key for a record. By distance then id.
   */
  queryAll(variants: readonly PdqHash[], radius?: number): VariantMatch<M, number>[];
  queryAll<V extends string>(variants: Readonly<Record<V, PdqHash>>, radius?: number): VariantMatch<M, V>[];
  queryAll(
    variants: readonly PdqHash[] | Readonly<Record<string, PdqHash>>,
    radius = PDQ_MATCH_RADIUS,
  ): VariantMatch<M, number | string>[] {
    assertRadius(radius);
    const entries: [number | string, PdqHash][] = Array.isArray(variants)
      ? variants.map((hash, index) => [index, hash])
      : Object.entries(variants);
    const needles = entries.map(([variant, hash]) => {
      const needle = new Uint32Array(PDQ_WORDS32);
      packPdqHash(hash, needle, 0);
      return { variant, needle };
    });
    const best = new Map<number, { distance: number; variant: number | string }>();
    for (const { variant, needle } of needles) {
      this.#search(needle, radius, false, (row, distance) => {
        const known = best.get(row);
        if (known === undefined || distance < known.distance) best.set(row, { distance, variant });
      });
    }
    const found = [...best].map(([row, { distance, variant }]) => ({
      ...this.#describe(row, distance),
      variant,
    }));
    return found.sort(byDistanceThenId);
  }

  /** Builds the tables now (e.g. after a bulk load), instead of at the next query. */
  reindex(): void {
    const state = this.#state;
    let liveCount = 0;
    for (let row = 0; row < this.#used; row++) if (this.#ids[row] !== undefined) liveCount++;
    const live = new Uint32Array(liveCount);
    for (let row = 0, next = 0; row < this.#used; row++) {
      if (this.#ids[row] !== undefined) live[next++] = row;
      else state[row] = FREE;
    }
    this.#removedSinceBuild = 0;
    if (liveCount <= this.#pendingLimit) {
      // Small enough to check directly: no tables (their offsets alone take 4 MB).
      this.#pending = Array.from(live);
      for (const row of live) state[row] = PENDING;
      this.#tabled = 0;
      this.#offsets = undefined;
      this.#postings = undefined;
      return;
    }
    const needed = SLOTS * liveCount;
    const offsets = this.#offsets ?? new Uint32Array(SLOTS * OFFSETS_PER_SLOT);
    offsets.fill(0);
    let postings = this.#postings;
    if (postings === undefined || postings.length < needed) {
      // Exact on the first build; room to grow once the index is growing.
      postings = new Uint32Array(postings === undefined ? needed : Math.ceil(needed * 1.25));
    }
    const cursor = new Uint32Array(SLOT_VALUES);
    const words = this.#words;
    for (let s = 0; s < SLOTS; s++) {
      const base = s * OFFSETS_PER_SLOT;
      const word = s >> 1;
      const shift = s & 1 ? 0 : 16;
      for (const row of live) {
        const key = base + (((words[row * PDQ_WORDS32 + word] as number) >>> shift) & 0xffff) + 1;
        offsets[key] = (offsets[key] as number) + 1;
      }
      offsets[base] = s * liveCount;
      for (let v = 1; v <= SLOT_VALUES; v++) {
        offsets[base + v] = (offsets[base + v] as number) + (offsets[base + v - 1] as number);
      }
      cursor.set(offsets.subarray(base, base + SLOT_VALUES));
      for (const row of live) {
        const value = ((words[row * PDQ_WORDS32 + word] as number) >>> shift) & 0xffff;
        const position = cursor[value] as number;
        postings[position] = row;
        cursor[value] = position + 1;
      }
    }
    for (const row of live) state[row] = TABLED;
    this.#pending = [];
    this.#tabled = liveCount;
    this.#offsets = offsets;
    this.#postings = postings;
  }

  #matches(hash: PdqHash, radius: number, linear: boolean): NearDuplicate<M>[] {
    assertRadius(radius);
    const needle = new Uint32Array(PDQ_WORDS32);
    packPdqHash(hash, needle, 0);
    const found: NearDuplicate<M>[] = [];
    this.#search(needle, radius, linear, (row, distance) => found.push(this.#describe(row, distance)));
    return found.sort(byDistanceThenId);
  }

  #describe(row: number, distance: number): NearDuplicate<M> {
    return { id: this.#ids[row] as string, distance, meta: this.#metas[row] };
  }

  /** Calls `onMatch` exactly once for each item within `radius` of the packed needle. */
  #search(
    needle: Uint32Array,
    radius: number,
    linear: boolean,
    onMatch: (row: number, distance: number) => void,
  ): void {
    const words = this.#words;
    const ids = this.#ids;
    const slotRadius = radius >> 4;
    if (linear || slotRadius > MAX_SLOT_RADIUS) {
      for (let row = 0; row < this.#used; row++) {
        const distance = packedDistanceAtMost(words, row * PDQ_WORDS32, needle, radius);
        if (distance <= radius && ids[row] !== undefined) onMatch(row, distance);
      }
      return;
    }
    if (
      this.#pending.length > this.#pendingLimit ||
      this.#removedSinceBuild > Math.max(this.#pendingLimit, this.#tabled >> 2)
    ) {
      this.reindex();
    }
    const state = this.#state;
    const offsets = this.#offsets;
    const postings = this.#postings;
    if (offsets !== undefined && postings !== undefined) {
      const masks = PROBE_MASKS[slotRadius] as Uint16Array;
      for (let s = 0; s < SLOTS; s++) {
        const value = ((needle[s >> 1] as number) >>> (s & 1 ? 0 : 16)) & 0xffff;
        const base = s * OFFSETS_PER_SLOT;
        for (let m = 0; m < masks.length; m++) {
          const key = base + (value ^ (masks[m] as number));
          const end = offsets[key + 1] as number;
          for (let p = offsets[key] as number; p < end; p++) {
            const row = postings[p] as number;
            const distance = packedDistanceAtMost(words, row * PDQ_WORDS32, needle, radius);
            if (distance > radius || state[row] !== TABLED) continue;
            if (!reachedInEarlierSlot(words, row * PDQ_WORDS32, needle, s, slotRadius))
              onMatch(row, distance);
          }
        }
      }
    }
    for (const row of this.#pending) {
      if (ids[row] === undefined) continue;
      const distance = packedDistanceAtMost(words, row * PDQ_WORDS32, needle, radius);
      if (distance <= radius) onMatch(row, distance);
    }
  }

  #allocateRow(): number {
    if (this.#used === this.#capacity) {
      this.#capacity *= 2;
      const words = new Uint32Array(this.#capacity * PDQ_WORDS32);
      words.set(this.#words);
      this.#words = words;
      const state = new Uint8Array(this.#capacity);
      state.set(this.#state);
      this.#state = state;
    }
    return this.#used++;
  }
}

/** Whether some slot before `slot` is within `slotRadius` bits of the needle's (so was probed there). */
function reachedInEarlierSlot(
  words: Uint32Array,
  offset: number,
  needle: Uint32Array,
  slot: number,
  slotRadius: number,
): boolean {
  for (let s = 0; s < slot; s++) {
    const xor = ((words[offset + (s >> 1)] as number) ^ (needle[s >> 1] as number)) >>> (s & 1 ? 0 : 16);
    if (popcount32(xor & 0xffff) <= slotRadius) return true;
  }
  return false;
}

function byDistanceThenId<T extends { distance: number; id: string }>(a: T, b: T): number {
  return a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

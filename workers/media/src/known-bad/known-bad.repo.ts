import { newId } from "@fun/core";
import { type CoreDb, knownBadHash, knownBadList, mediaPdqIndex } from "@fun/db";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { pdqIndexEntry } from "../near-duplicates/pdq-index.repo";

/**
 * Known-bad hash lists (`known_bad_list`, `known_bad_hash`): global, read and written only through
 * the media worker's RPC by staff holding `hashlists:manage`. A PDQ list's entries are also rows of
 * the near-duplicate index (kind `known_bad`, subject = the entry id), so one index lookup answers
 * both "is this a re-upload" and "is this on a list".
 */

export type KnownBadKind = (typeof knownBadList.$inferSelect)["kind"];
export type KnownBadListRow = typeof knownBadList.$inferSelect;
export type HashListPurpose = KnownBadListRow["purpose"];

/** D1 binds at most 100 parameters per statement; rows are inserted in chunks that fit. */
const HASH_ROWS_PER_INSERT = 20; // 4 columns each
const INDEX_ROWS_PER_INSERT = 4; // 21 columns each

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function findListByName(db: CoreDb, name: string) {
  return db.select().from(knownBadList).where(eq(knownBadList.name, name)).get();
}

export async function findList(db: CoreDb, listId: string) {
  return db.select().from(knownBadList).where(eq(knownBadList.id, listId)).get();
}

export async function listLists(db: CoreDb) {
  return db.select().from(knownBadList).orderBy(desc(knownBadList.createdAt));
}

export async function createList(
  db: CoreDb,
  list: {
    name: string;
    kind: KnownBadKind;
    source: string;
    accountId: string | null;
    purpose?: HashListPurpose;
  },
  now: number,
): Promise<KnownBadListRow> {
  const row = {
    id: newId("knownBadList", now),
    name: list.name,
    kind: list.kind,
    purpose: list.purpose ?? "known_bad",
    source: list.source,
    entryCount: 0,
    createdByAccountId: list.accountId,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(knownBadList).values(row);
  return row;
}

/**
 * Adds hashes (lowercase hex, validated by the caller) to a list, skipping those it already holds,
 * and keeps `entry_count` true: all in one batch, so an import lands whole or not at all.
 */
export async function addEntries(
  db: CoreDb,
  list: KnownBadListRow,
  hashes: readonly string[],
  now: number,
): Promise<{ added: string[] }> {
  const unique = [...new Set(hashes)];
  const existing = new Set<string>();
  for (const chunk of chunks(unique, 90)) {
    const rows = await db
      .select({ hash: knownBadHash.hash })
      .from(knownBadHash)
      .where(and(eq(knownBadHash.listId, list.id), inArray(knownBadHash.hash, chunk)));
    for (const row of rows) existing.add(row.hash);
  }
  const fresh = unique
    .filter((hash) => !existing.has(hash))
    .map((hash) => ({ id: newId("knownBadHash", now), listId: list.id, hash, createdAt: now }));
  if (fresh.length === 0) return { added: [] };
  const statements = [
    ...chunks(fresh, HASH_ROWS_PER_INSERT).map((rows) => db.insert(knownBadHash).values(rows)),
    ...(list.kind === "pdq"
      ? chunks(
          fresh.map((entry) => pdqIndexEntry(entry.id, "known_bad", entry.hash, 100, now)),
          INDEX_ROWS_PER_INSERT,
        ).map((rows) => db.insert(mediaPdqIndex).values(rows))
      : []),
    db
      .update(knownBadList)
      .set({ entryCount: sql`${knownBadList.entryCount} + ${fresh.length}`, updatedAt: now })
      .where(eq(knownBadList.id, list.id)),
  ];
  await db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
  return { added: fresh.map((entry) => entry.hash) };
}

/** The list entry (and its list) holding this exact hash, if any: MD5 lists are matched exactly. */
export async function findExactEntry(db: CoreDb, hash: string) {
  return (
    db
      .select({ entryId: knownBadHash.id, hash: knownBadHash.hash, list: knownBadList })
      .from(knownBadHash)
      .innerJoin(knownBadList, eq(knownBadList.id, knownBadHash.listId))
      .where(eq(knownBadHash.hash, hash))
      // A known-bad list outranks the takedown list: its match owes a report.
      .orderBy(knownBadList.purpose)
      .limit(1)
      .get()
  );
}

/** Entries by id with their lists (for index matches of kind `known_bad`). */
export async function findEntries(db: CoreDb, entryIds: readonly string[]) {
  if (entryIds.length === 0) return [];
  return db
    .select({ entryId: knownBadHash.id, hash: knownBadHash.hash, list: knownBadList })
    .from(knownBadHash)
    .innerJoin(knownBadList, eq(knownBadList.id, knownBadHash.listId))
    .where(inArray(knownBadHash.id, entryIds.slice(0, 90)));
}

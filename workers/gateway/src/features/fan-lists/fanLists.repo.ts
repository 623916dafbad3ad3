import { newId } from "@fun/core";
import { block, type CoreDb, fanList, fanListMember, follow, profile } from "@fun/db";
import { and, asc, desc, eq, inArray, lt, notExists, or, type SQL, sql } from "drizzle-orm";

// Fan lists belong to a creator's profile, which is global, like follows and blocks: no query here
// is scoped by tenant. Every list query is scoped by its owner instead, so a list id of another
// creator behaves exactly like one that does not exist.

export interface FanListView {
  id: string;
  name: string;
  memberCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface MemberCursor {
  /** added_at of the last member shown. */
  addedAt: number;
  /** Its profile id: the tie-breaker for members added in the same batch. */
  profileId: string;
}

const memberCount =
  sql<number>`(select count(*) from ${fanListMember} where ${fanListMember.listId} = ${fanList.id})`.mapWith(
    Number,
  );

const listFields = {
  id: fanList.id,
  name: fanList.name,
  memberCount,
  createdAt: fanList.createdAt,
  updatedAt: fanList.updatedAt,
};

const owned = (creatorProfileId: string, listId: string) =>
  and(eq(fanList.id, listId), eq(fanList.creatorProfileId, creatorProfileId));

/** D1 reports a unique violation in the message of the error drizzle wraps. */
export function isUniqueViolation(error: unknown): boolean {
  return [error, error instanceof Error ? error.cause : undefined].some(
    (e) => e instanceof Error && e.message.includes("UNIQUE constraint failed"),
  );
}

/** Creates a list; throws a unique violation when the creator has one of that name (any case). */
export async function insertFanList(db: CoreDb, creatorProfileId: string, name: string, now = Date.now()) {
  const id = newId("fanList", now);
  await db.insert(fanList).values({ id, creatorProfileId, name, createdAt: now, updatedAt: now });
  return { id, name, memberCount: 0, createdAt: now, updatedAt: now } satisfies FanListView;
}

/** The creator's lists, by name, each with its member count. */
export function listFanLists(db: CoreDb, creatorProfileId: string): Promise<FanListView[]> {
  return db
    .select(listFields)
    .from(fanList)
    .where(eq(fanList.creatorProfileId, creatorProfileId))
    .orderBy(asc(fanList.name), asc(fanList.id));
}

/** One of the creator's lists, or undefined when it is not theirs (or does not exist). */
export function findFanList(db: CoreDb, creatorProfileId: string, listId: string) {
  return db.select(listFields).from(fanList).where(owned(creatorProfileId, listId)).get() as Promise<
    FanListView | undefined
  >;
}

/** Renames one of the creator's lists; throws a unique violation when the name is taken. */
export async function renameFanList(
  db: CoreDb,
  creatorProfileId: string,
  listId: string,
  name: string,
  now = Date.now(),
): Promise<boolean> {
  const rows = await db
    .update(fanList)
    .set({ name, updatedAt: now })
    .where(owned(creatorProfileId, listId))
    .returning({ id: fanList.id });
  return rows.length > 0;
}

/** Deletes one of the creator's lists and its members together. */
export async function deleteFanList(db: CoreDb, creatorProfileId: string, listId: string): Promise<boolean> {
  const mine = db.select({ id: fanList.id }).from(fanList).where(owned(creatorProfileId, listId));
  // The foreign key cascades too; deleting the members explicitly keeps this from depending on it.
  const [, deleted] = await db.batch([
    db.delete(fanListMember).where(inArray(fanListMember.listId, mine)),
    db.delete(fanList).where(owned(creatorProfileId, listId)).returning({ id: fanList.id }),
  ]);
  return deleted.length > 0;
}

/** The profile ids of a JSON array bound as one parameter: D1 allows only 100 per statement. */
const idsOf = (profileIds: string[]) => sql`(select value from json_each(${JSON.stringify(profileIds)}))`;

/**
 * Who a creator may put on a list: their followers with no block either way. The check before an
 * add and the add itself use this one predicate, so a follow ended in between is not written.
 */
function eligibleFollowers(db: CoreDb, creatorProfileId: string, profileIds: string[]): SQL | undefined {
  return and(
    eq(follow.followeeId, creatorProfileId),
    inArray(follow.followerId, idsOf(profileIds)),
    notExists(
      db
        .select({ one: block.blockerId })
        .from(block)
        .where(
          or(
            and(eq(block.blockerId, follow.followeeId), eq(block.blockedId, follow.followerId)),
            and(eq(block.blockerId, follow.followerId), eq(block.blockedId, follow.followeeId)),
          ),
        ),
    ),
  );
}

/** Which of `profileIds` the creator may add to a list. */
export async function findEligibleFans(
  db: CoreDb,
  creatorProfileId: string,
  profileIds: string[],
): Promise<Set<string>> {
  const rows = await db
    .select({ id: follow.followerId })
    .from(follow)
    .where(eligibleFollowers(db, creatorProfileId, profileIds));
  return new Set(rows.map((row) => row.id));
}

/**
 * Adds the eligible ones of `profileIds` to the creator's list (members already on it stay as they
 * were), and answers how many were new and how many the list has now; undefined when the list is
 * not the creator's.
 */
export async function addFanListMembers(
  db: CoreDb,
  creatorProfileId: string,
  listId: string,
  profileIds: string[],
  now = Date.now(),
): Promise<{ added: number; memberCount: number } | undefined> {
  const [inserted, [list]] = await db.batch([
    db
      .insert(fanListMember)
      .select(
        db
          .select({
            listId: fanList.id,
            fanProfileId: follow.followerId,
            addedAt: sql<number>`${now}`.as("added_at"),
          })
          .from(follow)
          .innerJoin(fanList, owned(creatorProfileId, listId))
          .where(eligibleFollowers(db, creatorProfileId, profileIds)),
      )
      .onConflictDoNothing()
      .returning({ id: fanListMember.fanProfileId }),
    db.select({ memberCount }).from(fanList).where(owned(creatorProfileId, listId)),
  ]);
  return list ? { added: inserted.length, memberCount: list.memberCount } : undefined;
}

/** Takes a profile off one of the creator's lists; false when the list is not theirs. */
export async function removeFanListMember(
  db: CoreDb,
  creatorProfileId: string,
  listId: string,
  profileId: string,
): Promise<boolean> {
  const mine = db.select({ id: fanList.id }).from(fanList).where(owned(creatorProfileId, listId));
  const [, [list]] = await db.batch([
    db
      .delete(fanListMember)
      .where(and(inArray(fanListMember.listId, mine), eq(fanListMember.fanProfileId, profileId))),
    db.select({ id: fanList.id }).from(fanList).where(owned(creatorProfileId, listId)),
  ]);
  return list !== undefined;
}

/** A page of a list's members, last added first, keyset paginated on (added_at, profile id). */
export function fanListMemberPage(
  db: CoreDb,
  listId: string,
  options: { cursor?: MemberCursor; limit: number },
) {
  const { cursor, limit } = options;
  return db
    .select({
      profileId: fanListMember.fanProfileId,
      handle: profile.handle,
      displayName: profile.displayName,
      addedAt: fanListMember.addedAt,
    })
    .from(fanListMember)
    .innerJoin(profile, eq(profile.id, fanListMember.fanProfileId))
    .where(
      and(
        eq(fanListMember.listId, listId),
        cursor
          ? or(
              lt(fanListMember.addedAt, cursor.addedAt),
              and(
                eq(fanListMember.addedAt, cursor.addedAt),
                lt(fanListMember.fanProfileId, cursor.profileId),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(fanListMember.addedAt), desc(fanListMember.fanProfileId))
    .limit(limit);
}

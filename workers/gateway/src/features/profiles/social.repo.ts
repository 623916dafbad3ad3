import { block, type CoreDb, fanList, fanListMember, follow, outbox } from "@fun/db";
import { createEvent, type OutboxWriter } from "@fun/events";
import { and, eq, exists, inArray, or } from "drizzle-orm";

/** Whether either profile blocks the other: then neither sees, follows or reaches the other. */
export async function blockedBetween(db: CoreDb, a: string, b: string): Promise<boolean> {
  const row = await db
    .select({ blockerId: block.blockerId })
    .from(block)
    .where(
      or(
        and(eq(block.blockerId, a), eq(block.blockedId, b)),
        and(eq(block.blockerId, b), eq(block.blockedId, a)),
      ),
    )
    .limit(1)
    .get();
  return row !== undefined;
}

/**
 * Follows, announcing `fun.profile.followed` (on the brand where it happened) in the same batch only
 * when the follow is new: the event row is written, then taken back if the follow already existed.
 */
export async function addFollow(
  db: CoreDb,
  writer: OutboxWriter,
  relation: { followerId: string; followeeId: string; tenant: { id: string; slug: string } },
): Promise<void> {
  const { followerId, followeeId, tenant } = relation;
  const followed = createEvent(
    "fun.profile.followed",
    { followerId, followeeId, tenantId: tenant.slug },
    { tenantId: tenant.id, subject: followeeId },
  );
  const existing = and(eq(follow.followerId, followerId), eq(follow.followeeId, followeeId));
  await db.batch([
    writer.insert(followed),
    db
      .delete(outbox)
      .where(
        and(
          eq(outbox.id, followed.id),
          exists(db.select({ one: follow.followerId }).from(follow).where(existing)),
        ),
      ),
    db.insert(follow).values({ followerId, followeeId, createdAt: Date.now() }).onConflictDoNothing(),
  ]);
}

export async function removeFollow(db: CoreDb, followerId: string, followeeId: string): Promise<void> {
  await db.delete(follow).where(and(eq(follow.followerId, followerId), eq(follow.followeeId, followeeId)));
}

/** Blocks `blockedId` and ends any follow between the two, in one batch. */
/** Blocks, ending follows both ways and taking each off the other's fan lists, in one batch. */
export async function addBlock(db: CoreDb, blockerId: string, blockedId: string): Promise<void> {
  const listsOf = (creatorId: string) =>
    db.select({ id: fanList.id }).from(fanList).where(eq(fanList.creatorProfileId, creatorId));
  await db.batch([
    db.insert(block).values({ blockerId, blockedId, createdAt: Date.now() }).onConflictDoNothing(),
    db
      .delete(follow)
      .where(
        or(
          and(eq(follow.followerId, blockerId), eq(follow.followeeId, blockedId)),
          and(eq(follow.followerId, blockedId), eq(follow.followeeId, blockerId)),
        ),
      ),
    db
      .delete(fanListMember)
      .where(
        or(
          and(inArray(fanListMember.listId, listsOf(blockerId)), eq(fanListMember.fanProfileId, blockedId)),
          and(inArray(fanListMember.listId, listsOf(blockedId)), eq(fanListMember.fanProfileId, blockerId)),
        ),
      ),
  ]);
}

export async function removeBlock(db: CoreDb, blockerId: string, blockedId: string): Promise<void> {
  await db.delete(block).where(and(eq(block.blockerId, blockerId), eq(block.blockedId, blockedId)));
}

import { account, type CoreDb, profile } from "@fun/db";
import type { OutboxWriter } from "@fun/events";
import { and, asc, eq, ne } from "drizzle-orm";
import { profileUpdated } from "../profiles/profiles.repo";

/** The signed-in account and its profile. Accounts are global: no tenant scope applies here. */
export async function findAccountWithProfile(db: CoreDb, accountId: string) {
  const [accounts, profiles] = await db.batch([
    db
      .select({ id: account.id, email: account.email, status: account.status })
      .from(account)
      .where(eq(account.id, accountId)),
    db
      .select({
        id: profile.id,
        handle: profile.handle,
        displayName: profile.displayName,
        bio: profile.bio,
        type: profile.type,
      })
      .from(profile)
      .where(eq(profile.accountId, accountId))
      .orderBy(asc(profile.createdAt))
      .limit(1),
  ]);
  const found = accounts[0];
  return found ? { account: found, profile: profiles[0] ?? null } : undefined;
}

/** What an account may change on its own profile. */
export interface ProfileChanges {
  displayName?: string;
  bio?: string | null;
  handle?: string;
}

/** Whether another profile has this handle (handles compare without case). */
export async function handleTakenByAnother(db: CoreDb, handle: string, profileId: string): Promise<boolean> {
  const row = await db
    .select({ id: profile.id })
    .from(profile)
    .where(and(eq(profile.handle, handle), ne(profile.id, profileId)))
    .get();
  return row !== undefined;
}

/** The account's first profile (the one /v1/me shows), if it has one. */
export async function findOwnProfileId(db: CoreDb, accountId: string): Promise<string | undefined> {
  return (await findOwnProfile(db, accountId))?.id;
}

/** The caller's own profile: its id and type (creator, fan, staff). */
export function findOwnProfile(db: CoreDb, accountId: string) {
  return db
    .select({ id: profile.id, type: profile.type })
    .from(profile)
    .where(eq(profile.accountId, accountId))
    .orderBy(asc(profile.createdAt))
    .limit(1)
    .get();
}

/** Changes a profile, only if it belongs to the account, and tells readers (search) in the same batch. */
export async function updateOwnProfile(
  db: CoreDb,
  writer: OutboxWriter,
  owner: { accountId: string; profileId: string },
  changes: ProfileChanges,
  now = Date.now(),
): Promise<void> {
  await db.batch([
    db
      .update(profile)
      .set({ ...changes, updatedAt: now })
      .where(and(eq(profile.id, owner.profileId), eq(profile.accountId, owner.accountId))),
    writer.insert(profileUpdated(owner.profileId)),
  ]);
}

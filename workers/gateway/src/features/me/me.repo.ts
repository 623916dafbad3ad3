import { account, type CoreDb, profile } from "@fun/db";
import { asc, eq } from "drizzle-orm";

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

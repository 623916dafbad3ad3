import { account, type CoreDb, oauthClient } from "@fun/db";
import { eq } from "drizzle-orm";

/** A registered OAuth client by its `client_id`; clients are platform-wide, each bound to one brand. */
export async function findClient(db: CoreDb, clientId: string) {
  return db.select().from(oauthClient).where(eq(oauthClient.id, clientId)).get();
}

/** Whether the account exists and may still receive tokens. */
export async function isActiveAccount(db: CoreDb, accountId: string): Promise<boolean> {
  const row = await db
    .select({ status: account.status })
    .from(account)
    .where(eq(account.id, accountId))
    .get();
  return row?.status === "active";
}

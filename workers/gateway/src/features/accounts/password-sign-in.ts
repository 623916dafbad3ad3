import { account, type CoreDb } from "@fun/db";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "@fun/core/password";
import { eq } from "drizzle-orm";

export interface PasswordSignIn {
  email: string;
  password: string;
  /** The client's address (`CF-Connecting-IP`), for the per-IP limit; null when unknown. */
  ip: string | null;
}

/**
 * Why a sign-in failed. The login page shows the same words for `invalid_credentials` whether the
 * email exists, the password is wrong or the account is not active, so it reveals nothing.
 */
export type PasswordSignInResult =
  | { ok: true; accountId: string }
  | { ok: false; reason: "invalid_credentials" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Checks an email and password. On success a hash made with older parameters is replaced by one
 * made with the current ones.
 */
export async function checkPasswordSignIn(
  _env: Env,
  db: CoreDb,
  input: PasswordSignIn,
): Promise<PasswordSignInResult> {
  const row = await db
    .select({ id: account.id, passwordHash: account.passwordHash, status: account.status })
    .from(account)
    .where(eq(account.email, input.email))
    .get();
  if (!row?.passwordHash || !(await verifyPassword(input.password, row.passwordHash))) {
    return { ok: false, reason: "invalid_credentials" };
  }
  if (row.status !== "active") return { ok: false, reason: "invalid_credentials" };
  if (passwordNeedsRehash(row.passwordHash)) {
    await db
      .update(account)
      .set({ passwordHash: await hashPassword(input.password), updatedAt: Date.now() })
      .where(eq(account.id, row.id));
  }
  return { ok: true, accountId: row.id };
}

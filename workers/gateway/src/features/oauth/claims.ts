import { account, type CoreDb, profile } from "@fun/db";
import { asc, eq } from "drizzle-orm";

/** The scopes the issuer knows, each with the claims it releases (OIDC Core §5.4). */
export const SUPPORTED_SCOPES = ["openid", "profile", "email", "offline_access"] as const;
export const SUPPORTED_CLAIMS = [
  "sub",
  "iss",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "nonce",
  "sid",
  "amr",
  "azp",
  "name",
  "preferred_username",
  "email",
  "email_verified",
] as const;

/**
 * The identity claims about an account that the granted scopes release: `profile` gives the name
 * and handle of its first profile, `email` the address and whether it was verified.
 */
export async function identityClaims(
  db: CoreDb,
  accountId: string,
  scope: readonly string[],
): Promise<Record<string, string | boolean | null>> {
  const [accounts, profiles] = await db.batch([
    db
      .select({ email: account.email, status: account.status })
      .from(account)
      .where(eq(account.id, accountId)),
    db
      .select({ handle: profile.handle, displayName: profile.displayName })
      .from(profile)
      .where(eq(profile.accountId, accountId))
      .orderBy(asc(profile.createdAt))
      .limit(1),
  ]);
  const claims: Record<string, string | boolean | null> = {};
  const found = accounts[0];
  if (!found) return claims;
  if (scope.includes("email")) {
    claims.email = found.email;
    // An account leaves `pending` only once its address is verified (or came verified from upstream).
    claims.email_verified = found.status !== "pending";
  }
  const person = profiles[0];
  if (scope.includes("profile") && person) {
    claims.name = person.displayName;
    claims.preferred_username = person.handle;
  }
  return claims;
}

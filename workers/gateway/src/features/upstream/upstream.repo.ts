import { newId } from "@fun/core";
import { account, accountIdentity, type CoreDb, profile } from "@fun/db";
import { and, eq } from "drizzle-orm";
import { newProfileStatements } from "../accounts/accounts.repo";
import { handleFromEmail } from "../accounts/accounts.service";

/** New accounts draw a random handle; a collision (or a concurrent first sign-in) retries. */
const ATTEMPTS = 3;

export type UpstreamAccount =
  | { kind: "linked"; accountId: string }
  | { kind: "created"; accountId: string }
  | { kind: "email_taken" };

/**
 * The account behind an upstream identity: the one linked to it before, or a new one (active when
 * the upstream vouches for the email, pending otherwise) with a fan profile on every brand, all in
 * one batch. An email that already belongs to another account is never linked automatically:
 * whoever controls the upstream account would take over ours.
 */
export async function accountForUpstream(
  db: CoreDb,
  input: {
    provider: string;
    subject: string;
    email: string | undefined;
    emailVerified: boolean;
    name: string | undefined;
    tenants: { id: string; slug: string }[];
  },
): Promise<UpstreamAccount> {
  for (let attempt = 1; ; attempt++) {
    const linked = await db
      .select({ accountId: accountIdentity.accountId })
      .from(accountIdentity)
      .where(and(eq(accountIdentity.provider, input.provider), eq(accountIdentity.subject, input.subject)))
      .get();
    if (linked) return { kind: "linked", accountId: linked.accountId };
    const email = input.email?.trim().toLowerCase() || `${input.provider}.${input.subject}@users.invalid`;
    const taken = await db.select({ id: account.id }).from(account).where(eq(account.email, email)).get();
    if (taken) return { kind: "email_taken" };
    try {
      return { kind: "created", accountId: await createUpstreamAccount(db, input, email) };
    } catch (error) {
      // A unique violation: the handle drawn, or the same person's sign-in finishing meanwhile
      // (then the next look-up finds the identity or the email).
      if (attempt >= ATTEMPTS) throw error;
    }
  }
}

async function createUpstreamAccount(
  db: CoreDb,
  input: Parameters<typeof accountForUpstream>[1],
  email: string,
): Promise<string> {
  const now = Date.now();
  const accountId = newId("account");
  const profileId = newId("profile");
  await db.batch([
    db.insert(account).values({
      id: accountId,
      email,
      passwordHash: null,
      status: input.emailVerified ? "active" : "pending",
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(profile).values({
      id: profileId,
      accountId,
      handle: handleFromEmail(email),
      displayName: (input.name?.trim() || email.split("@")[0] || "Fan").slice(0, 60),
      type: "fan",
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(accountIdentity).values({
      id: newId("accountIdentity"),
      accountId,
      provider: input.provider,
      subject: input.subject,
      metadata: { email: input.email ?? null, emailVerified: input.emailVerified },
      createdAt: now,
    }),
    ...newProfileStatements(db, { profileId, accountId, tenants: input.tenants, now }),
  ]);
  return accountId;
}

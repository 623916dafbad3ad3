import { newId } from "@fun/core";
import { account, accountToken, type CoreDb, devMail, profile, profileTenant } from "@fun/db";
import { createEvent, outboxInsert } from "@fun/events";
import { and, desc, eq, gt, inArray, isNull } from "drizzle-orm";
import type { AccountTokenPurpose } from "./account-token";

// Accounts are global (one account signs in on every brand), so no tenant scope applies here.

/** The account registered with an email, if any. */
export function findAccountByEmail(db: CoreDb, email: string) {
  return db
    .select({ id: account.id, email: account.email, status: account.status })
    .from(account)
    .where(eq(account.email, email))
    .get();
}

/** The email of an account, if it exists. */
export async function findAccountEmail(db: CoreDb, accountId: string): Promise<string | undefined> {
  const row = await db.select({ email: account.email }).from(account).where(eq(account.id, accountId)).get();
  return row?.email;
}

export interface NewPendingAccount {
  email: string;
  passwordHash: string;
  handle: string;
  displayName: string;
  /** The hash of the email-verification token, and when it expires. */
  tokenHash: string;
  tokenExpiresAt: number;
  now: number;
}

/**
 * What every new profile comes with, for the batch that creates it: presence on every brand (one
 * person across the three) and the `fun.profile.created` event.
 */
export function newProfileStatements(
  db: CoreDb,
  profile: { profileId: string; accountId: string; tenants: { id: string; slug: string }[]; now: number },
) {
  const { profileId, accountId, tenants, now } = profile;
  return [
    ...tenants.map((tenant) =>
      db.insert(profileTenant).values({
        id: newId("profileTenant"),
        profileId,
        tenantId: tenant.id,
        isVisible: true,
        createdAt: now,
      }),
    ),
    outboxInsert(
      db,
      createEvent(
        "fun.profile.created",
        { profileId, accountId, tenantIds: tenants.map((tenant) => tenant.slug) },
        { subject: profileId },
      ),
    ),
  ];
}

/**
 * Creates a pending account, its fan profile (with `newProfileStatements`) and its
 * email-verification token in one batch: all of them or none. Throws on a unique violation (the
 * email or the handle already taken). The cron sweep relays the event, since sign-up finishes
 * after its response.
 */
export async function createPendingAccount(
  db: CoreDb,
  input: NewPendingAccount,
  tenants: { id: string; slug: string }[],
): Promise<string> {
  const accountId = newId("account");
  const profileId = newId("profile");
  const { now } = input;
  await db.batch([
    db.insert(account).values({
      id: accountId,
      email: input.email,
      passwordHash: input.passwordHash,
      status: "pending",
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(profile).values({
      id: profileId,
      accountId,
      handle: input.handle,
      displayName: input.displayName,
      type: "fan",
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(accountToken).values({
      tokenHash: input.tokenHash,
      accountId,
      purpose: "verify_email",
      createdAt: now,
      expiresAt: input.tokenExpiresAt,
    }),
    ...newProfileStatements(db, { profileId, accountId, tenants, now }),
  ]);
  return accountId;
}

/** Stores a token for an emailed link. */
export async function insertAccountToken(
  db: CoreDb,
  token: { hash: string; accountId: string; purpose: AccountTokenPurpose; expiresAt: number; now: number },
): Promise<void> {
  await db.insert(accountToken).values({
    tokenHash: token.hash,
    accountId: token.accountId,
    purpose: token.purpose,
    createdAt: token.now,
    expiresAt: token.expiresAt,
  });
}

const usable = (hash: string, purpose: AccountTokenPurpose, now: number) =>
  and(
    eq(accountToken.tokenHash, hash),
    eq(accountToken.purpose, purpose),
    isNull(accountToken.usedAt),
    gt(accountToken.expiresAt, now),
  );

/** Marks a token used if it still can be (one statement, so two uses cannot both pass). */
const consume = (db: CoreDb, hash: string, purpose: AccountTokenPurpose, now: number) =>
  db
    .update(accountToken)
    .set({ usedAt: now })
    .where(usable(hash, purpose, now))
    .returning({ accountId: accountToken.accountId });

/**
 * The account of the token consumed by `consume` in the same batch: the statements after it act only
 * when it marked the token used, all inside the batch's transaction.
 */
const consumedBy = (db: CoreDb, hash: string, now: number) =>
  db
    .select({ id: accountToken.accountId })
    .from(accountToken)
    .where(and(eq(accountToken.tokenHash, hash), eq(accountToken.usedAt, now)));

/** Whether a token can still be used, and whose it is (without using it). */
export async function findUsableToken(db: CoreDb, hash: string, purpose: AccountTokenPurpose, now: number) {
  return db
    .select({ accountId: accountToken.accountId })
    .from(accountToken)
    .where(usable(hash, purpose, now))
    .get();
}

/**
 * Uses an email-verification token: marks it used and a pending account active, together. Returns
 * the account, or undefined when the token is unknown, used or expired. A disabled account stays so.
 */
export async function consumeEmailVerification(
  db: CoreDb,
  hash: string,
  now: number,
): Promise<string | undefined> {
  const [used] = await db.batch([
    consume(db, hash, "verify_email", now),
    db
      .update(account)
      .set({ status: "active", updatedAt: now })
      .where(and(eq(account.status, "pending"), inArray(account.id, consumedBy(db, hash, now)))),
  ]);
  return used[0]?.accountId;
}

/**
 * Uses a password-reset token: marks it and the account's other reset tokens used and sets the new
 * password hash, together. A pending account becomes active, since following the link proved the
 * address. Returns the account, or undefined when the token is unknown, used or expired.
 */
export async function consumePasswordReset(
  db: CoreDb,
  hash: string,
  passwordHash: string,
  now: number,
): Promise<string | undefined> {
  const owner = consumedBy(db, hash, now);
  const [used] = await db.batch([
    consume(db, hash, "reset_password", now),
    db.update(account).set({ passwordHash, updatedAt: now }).where(inArray(account.id, owner)),
    db
      .update(account)
      .set({ status: "active" })
      .where(and(eq(account.status, "pending"), inArray(account.id, owner))),
    db
      .update(accountToken)
      .set({ usedAt: now })
      .where(
        and(
          inArray(accountToken.accountId, owner),
          eq(accountToken.purpose, "reset_password"),
          isNull(accountToken.usedAt),
        ),
      ),
  ]);
  return used[0]?.accountId;
}

/** One message as the dev mailbox keeps it. */
export interface StoredMail {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
}

export async function insertDevMail(db: CoreDb, mail: StoredMail, now = Date.now()): Promise<void> {
  await db.insert(devMail).values({
    id: newId("mail"),
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html ?? null,
    createdAt: now,
  });
}

/** The newest mail to an address, newest first. */
export function listDevMail(db: CoreDb, to: string, limit: number) {
  return db
    .select({
      id: devMail.id,
      to: devMail.to,
      subject: devMail.subject,
      text: devMail.text,
      createdAt: devMail.createdAt,
    })
    .from(devMail)
    .where(eq(devMail.to, to))
    .orderBy(desc(devMail.createdAt), desc(devMail.id))
    .limit(limit);
}

import { err, ok, type Result } from "@fun/core";
import { hashPassword } from "@fun/core/password";
import type { CoreDb } from "@fun/db";
import { sessionStoreFor } from "../oauth/token.service";
import { hostIndex } from "../tenants/tenant-directory";
import { ACCOUNT_TOKEN_TTL_MS, hashAccountToken, newAccountToken } from "./account-token";
import {
  consumeEmailVerification,
  consumePasswordReset,
  createPendingAccount,
  findAccountByEmail,
  findAccountEmail,
  findUsableToken,
  insertAccountToken,
} from "./accounts.repo";
import { emailSenderFor } from "./email";
import { loginThrottleFor } from "./password-sign-in";

/** Why an emailed link cannot be used; the page says the same for each, so nothing else leaks. */
export type LinkFailure = "invalid_or_expired";

const HANDLE_ATTEMPTS = 3;

/** A handle from the email's local part (`jo.doe+x` → `jo_doe_x`) plus six random digits. */
export function handleFromEmail(email: string): string {
  const local = email.split("@")[0] ?? "";
  const base =
    local
      .replace(/[^a-z0-9_]+/gi, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 20) || "fan";
  const [random = 0] = crypto.getRandomValues(new Uint32Array(1));
  const digits = String(random % 1_000_000).padStart(6, "0");
  return `${base}${digits}`;
}

function displayNameFromEmail(email: string): string {
  return (email.split("@")[0] ?? "").slice(0, 60) || "Fan";
}

/**
 * Registers an email, or tells its owner someone tried. The caller answers the same either way and
 * hashes the password first whatever happens, so neither the page nor its timing says whether the
 * address was taken. A new account is pending until its owner follows the mailed link.
 */
export async function registerOrNotify(
  env: Env,
  db: CoreDb,
  input: { email: string; passwordHash: string },
  now = Date.now(),
): Promise<void> {
  const mail = emailSenderFor(env, db);
  for (let attempt = 1; ; attempt++) {
    if (await findAccountByEmail(db, input.email)) {
      await mail.send(alreadyRegisteredMail(env, input.email));
      return;
    }
    const { token, hash } = await newAccountToken();
    try {
      await createPendingAccount(
        db,
        {
          email: input.email,
          passwordHash: input.passwordHash,
          handle: handleFromEmail(input.email),
          displayName: displayNameFromEmail(input.email),
          tokenHash: hash,
          tokenExpiresAt: now + ACCOUNT_TOKEN_TTL_MS.verify_email,
          now,
        },
        (await hostIndex(env)).tenants(),
      );
    } catch (error) {
      // The email registered meanwhile (checked again above), or the random handle taken: retry.
      if (attempt >= HANDLE_ATTEMPTS) throw error;
      continue;
    }
    await mail.send({
      to: input.email,
      subject: "Confirm your email for FUN",
      text: `Welcome to FUN!\n\nConfirm your email address to activate your account (the link works for 24 hours):\n\n${env.AUTH_ISSUER}/verify-email?token=${token}\n\nIf you did not sign up, ignore this message.`,
    });
    return;
  }
}

function alreadyRegisteredMail(env: Env, to: string) {
  return {
    to,
    subject: "Someone tried to sign up to FUN with your email",
    text: `Someone, maybe you, tried to create a FUN account with this address, which already has one. Nothing was changed.\n\nIf you forgot your password, choose a new one here:\n\n${env.AUTH_ISSUER}/password/forgot\n\nIf it was not you, you can ignore this message.`,
  };
}

/** Confirms an email address: a pending account becomes active. */
export async function verifyEmail(db: CoreDb, token: string): Promise<Result<string, LinkFailure>> {
  const accountId = await consumeEmailVerification(db, await hashAccountToken(token), Date.now());
  return accountId ? ok(accountId) : err("invalid_or_expired");
}

/**
 * Mails a password-reset link to the account with this email, if there is one that is not
 * disabled. The caller answers the same whether or not anything was sent.
 */
export async function mailPasswordReset(
  env: Env,
  db: CoreDb,
  email: string,
  now = Date.now(),
): Promise<void> {
  const found = await findAccountByEmail(db, email);
  if (!found || found.status === "disabled") return;
  const { token, hash } = await newAccountToken();
  await insertAccountToken(db, {
    hash,
    accountId: found.id,
    purpose: "reset_password",
    expiresAt: now + ACCOUNT_TOKEN_TTL_MS.reset_password,
    now,
  });
  await emailSenderFor(env, db).send({
    to: found.email,
    subject: "Reset your FUN password",
    text: `Someone, hopefully you, asked to reset the password of your FUN account.\n\nChoose a new password here (the link works for one hour, once):\n\n${env.AUTH_ISSUER}/password/reset?token=${token}\n\nIf it was not you, ignore this message; your password stays as it is.`,
  });
}

/** Whether a password-reset link can still be used (the form is shown only then). */
export async function passwordResetUsable(db: CoreDb, token: string): Promise<boolean> {
  return Boolean(await findUsableToken(db, await hashAccountToken(token), "reset_password", Date.now()));
}

/**
 * Sets a new password through a reset link, then signs the account out everywhere (whoever knew the
 * old password loses their sessions) and clears the back-off of failed sign-ins.
 */
export async function resetPassword(
  env: Env,
  db: CoreDb,
  input: { token: string; password: string },
): Promise<Result<string, LinkFailure>> {
  const passwordHash = await hashPassword(input.password);
  const accountId = await consumePasswordReset(
    db,
    await hashAccountToken(input.token),
    passwordHash,
    Date.now(),
  );
  if (!accountId) return err("invalid_or_expired");
  await sessionStoreFor(env, accountId).revokeAll();
  const email = await findAccountEmail(db, accountId);
  if (email) await loginThrottleFor(env, email).recordSuccess();
  return ok(accountId);
}

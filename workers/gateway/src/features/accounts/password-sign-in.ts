import { toBase64Url } from "@fun/core";
import { CURRENT_SCRYPT_PARAMS, hashPassword, passwordNeedsRehash, verifyPassword } from "@fun/core/password";
import { account, type CoreDb } from "@fun/db";
import { eq } from "drizzle-orm";
import { normaliseEmail } from "./email-address";

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

/** The rate-limit bindings count per 60-second period (wrangler.toml `[[ratelimits]]`). */
const RATE_LIMIT_PERIOD_SECONDS = 60;

let dummyHash: string | undefined;

/**
 * A well-formed hash with today's scrypt parameters that no password matches (its bytes are random,
 * not derived), made once per isolate without hashing anything. Verifying against it costs what
 * verifying a real password costs, so an unknown email answers as slowly as a wrong password.
 */
function hashNobodyHas(): string {
  const { ln, r, p } = CURRENT_SCRYPT_PARAMS;
  const random = (bytes: number) => toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
  dummyHash ??= `scrypt$ln=${ln},r=${r},p=${p}$${random(16)}$${random(32)}`;
  return dummyHash;
}

/** The back-off of one email address (durable-objects/login-throttle). */
export function loginThrottleFor(env: Env, email: string) {
  return env.LOGIN_THROTTLE.get(env.LOGIN_THROTTLE.idFromName(normaliseEmail(email)));
}

/**
 * Checks an email and password. Before any password is hashed, three brakes apply in turn: the
 * per-IP limit, the per-email limit and the email's growing back-off. Then exactly one password
 * verification runs whatever the outcome, so the time taken does not tell whether the email exists.
 *
 * Every failure counts towards the email's back-off: an unknown email (so the back-off does not
 * reveal which addresses exist), a wrong password, and also the right password of an account that
 * is not active (disabled or pending). Counting the last as a success would let a guesser learn a
 * disabled account's password by watching the back-off stop; counted as a failure, such an account
 * answers exactly as if the password were wrong. On success a hash made with older parameters is
 * replaced by one made with the current ones.
 */
export async function checkPasswordSignIn(
  env: Env,
  db: CoreDb,
  input: PasswordSignIn,
): Promise<PasswordSignInResult> {
  const email = normaliseEmail(input.email);
  const throttled = { ok: false, reason: "throttled", retryAfterSeconds: RATE_LIMIT_PERIOD_SECONDS } as const;
  if (!(await env.LOGIN_IP_LIMIT.limit({ key: input.ip ?? "unknown" })).success) return throttled;
  if (!(await env.LOGIN_EMAIL_LIMIT.limit({ key: email })).success) return throttled;
  const throttle = loginThrottleFor(env, email);
  const decision = await throttle.check();
  if (!decision.allowed) {
    return { ok: false, reason: "throttled", retryAfterSeconds: decision.retryAfterSeconds };
  }

  const row = await db
    .select({ id: account.id, passwordHash: account.passwordHash, status: account.status })
    .from(account)
    .where(eq(account.email, email))
    .get();
  const matches = await verifyPassword(input.password, row?.passwordHash ?? hashNobodyHas());
  if (!row?.passwordHash || !matches || row.status !== "active") {
    await throttle.recordFailure();
    return { ok: false, reason: "invalid_credentials" };
  }
  await throttle.recordSuccess();
  if (passwordNeedsRehash(row.passwordHash)) {
    await db
      .update(account)
      .set({ passwordHash: await hashPassword(input.password), updatedAt: Date.now() })
      .where(eq(account.id, row.id));
  }
  return { ok: true, accountId: row.id };
}

import { env } from "cloudflare:workers";
import { toBase64Url } from "@fun/core";
import { hashPassword, verifyPassword } from "@fun/core/password";
import { createCoreDb } from "@fun/db";
import { SEED } from "@fun/db/seed";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkPasswordSignIn, loginThrottleFor } from "./password-sign-in";

const db = createCoreDb(env.DB);
const PASSWORD = "correct horse battery";

let people = 0;
let ips = 0;
/** An address of its own per call, so the per-IP limit one test reaches never decides another. */
const freshIp = () => `198.51.100.${++ips}`;
let scryptHash: Promise<string> | undefined;

/** A legacy hash as the first seed made them: `pbkdf2-sha256$<iterations>$<salt>$<hash>`. */
async function pbkdf2Hash(password: string, iterations = 1_000): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    256,
  );
  return `pbkdf2-sha256$${iterations}$${toBase64Url(salt)}$${toBase64Url(new Uint8Array(bits))}`;
}

/** A new account of its own (so the per-email limits of one test never decide another). */
async function newAccount(options: { status?: "active" | "disabled" | "pending"; hash?: string } = {}) {
  const n = ++people;
  const person = { id: `acc_${String(n).padStart(20, "0")}SIGNIN`, email: `signin-${n}@fun.localhost` };
  scryptHash ??= hashPassword(PASSWORD);
  const now = Date.now();
  await env.DB.prepare(
    "INSERT INTO account (id, email, password_hash, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  )
    .bind(person.id, person.email, options.hash ?? (await scryptHash), options.status ?? "active", now, now)
    .run();
  return person;
}

const signIn = (email: string, password = PASSWORD, ip: string | null = freshIp()) =>
  checkPasswordSignIn(env, db, { email, password, ip });

const storedHash = async (accountId: string) =>
  (await env.DB.prepare("SELECT password_hash FROM account WHERE id = ?")
    .bind(accountId)
    .first<string>("password_hash")) ?? "";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("checkPasswordSignIn", () => {
  it("signs in a demo account with its password, whatever the case of the email", async () => {
    expect(await signIn(" Fan@FUN.localhost ", "fun-local-demo")).toEqual({
      ok: true,
      accountId: SEED.accounts.fan.id,
    });
  });

  it("refuses a wrong password", async () => {
    const person = await newAccount();
    expect(await signIn(person.email, "not the password")).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
  });

  it("answers an unknown email exactly as a wrong password", async () => {
    const person = await newAccount();
    const unknown = await signIn(`nobody-${people}@fun.localhost`, PASSWORD);
    expect(unknown).toEqual(await signIn(person.email, "not the password"));
  });

  it("refuses a disabled or pending account even with the right password, in the same words", async () => {
    for (const status of ["disabled", "pending"] as const) {
      const person = await newAccount({ status });
      expect(await signIn(person.email)).toEqual({ ok: false, reason: "invalid_credentials" });
    }
  });

  it("counts the right password of a disabled account as a failure, so the back-off tells nothing", async () => {
    const person = await newAccount({ status: "disabled" });
    const before = Date.now();
    for (let i = 0; i < 5; i++) await signIn(person.email);
    expect((await loginThrottleFor(env, person.email).check(before)).allowed).toBe(false);
  });

  it("replaces a legacy PBKDF2 hash with scrypt when its owner signs in", async () => {
    const person = await newAccount({ hash: await pbkdf2Hash(PASSWORD) });
    expect(await signIn(person.email)).toEqual({ ok: true, accountId: person.id });
    const rehashed = await storedHash(person.id);
    expect(rehashed).toMatch(/^scrypt\$ln=14,r=8,p=1\$/);
    expect(await verifyPassword(PASSWORD, rehashed)).toBe(true);
    expect(await signIn(person.email)).toEqual({ ok: true, accountId: person.id });
  });

  it("keeps a hash that is already current", async () => {
    const person = await newAccount();
    const before = await storedHash(person.id);
    await signIn(person.email);
    expect(await storedHash(person.id)).toBe(before);
  });

  it("records each failure, so that from the fifth on sign-ins must wait", async () => {
    const person = await newAccount();
    const before = Date.now();
    for (let i = 0; i < 4; i++) await signIn(person.email, "wrong password");
    expect(await loginThrottleFor(env, person.email).check(before)).toEqual({ allowed: true });
    await signIn(person.email, "wrong password");
    // The fifth failure happened at `before` or later, so at `before` a wait of at least 1 s is due.
    expect(await loginThrottleFor(env, person.email).check(before)).toMatchObject({ allowed: false });
  });

  it("answers throttled with when to retry while the email is backed off, even with the right password", async () => {
    const person = await newAccount();
    const throttle = loginThrottleFor(env, person.email);
    const now = Date.now();
    for (let i = 0; i < 9; i++) await throttle.recordFailure(now);
    const result = await signIn(person.email);
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
    if (result.ok || result.reason !== "throttled") throw new Error("unreachable");
    expect(result.retryAfterSeconds).toBeGreaterThan(0);
    expect(result.retryAfterSeconds).toBeLessThanOrEqual(16);
  });

  it("clears the back-off streak on a successful sign-in", async () => {
    const person = await newAccount();
    for (let i = 0; i < 3; i++) await signIn(person.email, "wrong password");
    expect((await signIn(person.email)).ok).toBe(true);
    // Four more failures are free again: the earlier three were forgotten.
    const before = Date.now();
    for (let i = 0; i < 4; i++) await signIn(person.email, "wrong password");
    expect(await loginThrottleFor(env, person.email).check(before)).toEqual({ allowed: true });
  });

  it("limits sign-ins per client address (30 a minute), whichever emails they name", async () => {
    const ip = freshIp();
    let attempts = 0;
    let result: Awaited<ReturnType<typeof signIn>> | undefined;
    do {
      attempts++;
      result = await signIn(`spray-${attempts}-${ip}@fun.localhost`, "guess", ip);
    } while (result.ok === false && result.reason !== "throttled" && attempts < 40);
    expect(result).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: 60 });
    expect(attempts).toBe(31);
  });

  it("limits sign-ins per email (10 a minute), from whichever addresses they come", async () => {
    // Right password every time: the back-off never starts, so only the per-email limit can stop it.
    const person = await newAccount();
    let attempts = 0;
    let result: Awaited<ReturnType<typeof signIn>> | undefined;
    do {
      attempts++;
      result = await signIn(person.email);
    } while (result.ok && attempts < 20);
    expect(result).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: 60 });
    expect(attempts).toBe(11);
  });

  it("refuses a throttled sign-in before hashing anything", async () => {
    // PBKDF2 hashes verify through WebCrypto's deriveBits, which a spy can watch.
    const throttled = await newAccount({ hash: await pbkdf2Hash(PASSWORD) });
    const open = await newAccount({ hash: await pbkdf2Hash(PASSWORD) });
    const throttle = loginThrottleFor(env, throttled.email);
    for (let i = 0; i < 9; i++) await throttle.recordFailure();
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");

    expect(await signIn(open.email, "wrong password")).toMatchObject({ reason: "invalid_credentials" });
    expect(deriveBits).toHaveBeenCalledTimes(1);

    deriveBits.mockClear();
    expect(await signIn(throttled.email)).toMatchObject({ reason: "throttled" });
    expect(deriveBits).not.toHaveBeenCalled();
  });

  it("refuses a rate-limited sign-in before hashing anything", async () => {
    const person = await newAccount({ hash: await pbkdf2Hash(PASSWORD) });
    const ip = freshIp();
    for (let i = 0; i < 30; i++) await env.LOGIN_IP_LIMIT.limit({ key: ip });
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
    expect(await signIn(person.email, PASSWORD, ip)).toMatchObject({ reason: "throttled" });
    expect(deriveBits).not.toHaveBeenCalled();
  });
});

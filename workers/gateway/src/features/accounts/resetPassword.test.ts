import { env } from "cloudflare:workers";
import { hashPassword } from "@fun/core/password";
import { createCoreDb } from "@fun/db";
import { callWorker, expectProblem, formFields, TestBrowser } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { hashAccountToken } from "./account-token";
import {
  accountByEmail,
  awaitMail,
  ISSUER,
  linkIn,
  mailbox,
  pageContent,
  submitForm,
} from "./accounts.testing";
import { checkPasswordSignIn } from "./password-sign-in";

const OLD_PASSWORD = "the old password";
const NEW_PASSWORD = "a brand new password";
let people = 0;
let oldHash: Promise<string> | undefined;

/** A new account of its own, with the old password. */
async function newPerson(status: "active" | "pending" = "active") {
  const n = ++people;
  const person = { id: `acc_${String(n).padStart(20, "0")}RESETS`, email: `reset-${n}@fun.localhost` };
  oldHash ??= hashPassword(OLD_PASSWORD);
  const now = Date.now();
  await env.DB.prepare(
    "INSERT INTO account (id, email, password_hash, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  )
    .bind(person.id, person.email, await oldHash, status, now, now)
    .run();
  return person;
}

const signIn = (email: string, password: string) =>
  checkPasswordSignIn(env, createCoreDb(env.DB), { email, password, ip: `192.0.2.${people}` });

const forgot = (email: string) => submitForm(new TestBrowser(), `${ISSUER}/password/forgot`, { email });

/** Asks for a reset link for the person and returns it from their mailbox. */
async function resetLink(email: string): Promise<string> {
  const response = await forgot(email);
  expect(response.status).toBe(200);
  return linkIn(await awaitMail(email, "Reset your FUN password"), `${ISSUER}/password/reset?token=`);
}

const choosePassword = (link: string, password = NEW_PASSWORD, browser = new TestBrowser()) =>
  submitForm(browser, link, { password });

/** A reset token stored directly, e.g. one that has already expired. */
async function storedToken(accountId: string, expiresAt: number): Promise<string> {
  const token = `stored-token-${crypto.randomUUID()}`;
  await env.DB.prepare(
    "INSERT INTO account_token (token_hash, account_id, purpose, created_at, expires_at) VALUES (?, ?, 'reset_password', ?, ?)",
  )
    .bind(await hashAccountToken(token), accountId, Date.now() - 7_200_000, expiresAt)
    .run();
  return token;
}

describe("password reset on the auth host", () => {
  it("mails a link, sets the new password and signs the account out everywhere", async () => {
    const person = await newPerson();
    const sessions = env.SESSIONS.get(env.SESSIONS.idFromName(person.id));
    await sessions.createSession({ userAgent: "laptop" });
    await sessions.createSession({ userAgent: "phone" });
    expect(await sessions.listSessions()).toHaveLength(2);

    const link = await resetLink(person.email);
    const form = await new TestBrowser().fetch(link);
    expect(form.status).toBe(200);
    expect(Object.fromEntries(formFields(await form.text())).token).toBe(
      new URL(link).searchParams.get("token"),
    );

    const done = await choosePassword(link);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Your password is changed");
    expect(await sessions.listSessions()).toEqual([]);
    expect(await signIn(person.email, OLD_PASSWORD)).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await signIn(person.email, NEW_PASSWORD)).toEqual({ ok: true, accountId: person.id });
  });

  it("uses a link up: it works once, and a reset also ends the account's other reset links", async () => {
    const person = await newPerson();
    const first = await resetLink(person.email);
    const other = await storedToken(person.id, Date.now() + 3_600_000);
    expect((await choosePassword(first)).status).toBe(200);
    for (const link of [first, `${ISSUER}/password/reset?token=${other}`]) {
      expect((await new TestBrowser().fetch(link)).status).toBe(400);
    }
    const browser = new TestBrowser();
    await browser.fetch(`${ISSUER}/password/forgot`);
    const csrf = browser.cookie("auth.localhost", "fun_csrf") ?? "";
    const again = await browser.postForm(`${ISSUER}/password/reset`, {
      csrf_token: csrf,
      token: new URL(first).searchParams.get("token") ?? "",
      password: "yet another password",
    });
    expect(again.status).toBe(400);
    expect(await signIn(person.email, "yet another password")).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
  });

  it("refuses an expired link, on the form and on its post", async () => {
    const person = await newPerson();
    const token = await storedToken(person.id, Date.now() - 1_000);
    const link = `${ISSUER}/password/reset?token=${token}`;
    const page = await new TestBrowser().fetch(link);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("invalid, was already used or has expired");
    const browser = new TestBrowser();
    await browser.fetch(`${ISSUER}/password/forgot`);
    const posted = await browser.postForm(`${ISSUER}/password/reset`, {
      csrf_token: browser.cookie("auth.localhost", "fun_csrf") ?? "",
      token,
      password: NEW_PASSWORD,
    });
    expect(posted.status).toBe(400);
    expect(await signIn(person.email, OLD_PASSWORD)).toMatchObject({ ok: true });
  });

  it("refuses a post without the right CSRF token, and the link still works afterwards", async () => {
    const person = await newPerson();
    const link = await resetLink(person.email);
    const token = new URL(link).searchParams.get("token") ?? "";
    const forged = await new TestBrowser().postForm(`${ISSUER}/password/reset`, {
      token,
      password: NEW_PASSWORD,
      csrf_token: "A".repeat(43),
    });
    expect(forged.status).toBe(403);
    expect(await signIn(person.email, OLD_PASSWORD)).toMatchObject({ ok: true });
    expect((await choosePassword(link)).status).toBe(200);
  });

  it("asks again for a password that is too short, keeping the link usable", async () => {
    const person = await newPerson();
    const link = await resetLink(person.email);
    const short = await choosePassword(link, "short");
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("at least 10 characters");
    expect((await choosePassword(link)).status).toBe(200);
  });

  it("activates a pending account, since following the link proved the address", async () => {
    const person = await newPerson("pending");
    expect((await choosePassword(await resetLink(person.email))).status).toBe(200);
    expect(await accountByEmail(person.email)).toMatchObject({ status: "active" });
  });

  it("answers an unknown email as a known one, and mails nobody", async () => {
    const person = await newPerson();
    const unknown = `nobody-${people}@fun.localhost`;
    const [known, stranger] = await Promise.all([forgot(person.email), forgot(unknown)]);
    expect(stranger.status).toBe(known.status);
    expect(pageContent(await stranger.text()).replace(unknown, "EMAIL")).toBe(
      pageContent(await known.text()).replace(person.email, "EMAIL"),
    );
    await awaitMail(person.email, "Reset your FUN password");
    expect(await mailbox(unknown)).toEqual([]);
  });

  it("limits reset requests per email (10 a minute)", async () => {
    const email = `flooded-${++people}@fun.localhost`;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await forgot(email)).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
  });

  it("exists on the auth host only", async () => {
    await expectProblem(
      await callWorker("/password/forgot", { host: "pupfanz.localhost" }),
      404,
      "not_found",
    );
    await expectProblem(
      await callWorker("/password/reset?token=x", { host: "pupfanz.localhost" }),
      404,
      "not_found",
    );
  });
});

import { env } from "cloudflare:workers";
import { verifyPassword } from "@fun/core/password";
import { createCoreDb } from "@fun/db";
import { callWorker, expectProblem, formFields, TestBrowser } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { hashAccountToken } from "./account-token";
import {
  AUTH_HOST,
  accountByEmail,
  awaitMail,
  ISSUER,
  linkIn,
  mailbox,
  pageContent,
  submitForm,
} from "./accounts.testing";
import { checkPasswordSignIn } from "./password-sign-in";

const PASSWORD = "a long enough password";
let people = 0;
const freshEmail = () => `new.fan+${++people}@Example.com`;

function signUp(browser: TestBrowser, email: string, password = PASSWORD) {
  return submitForm(browser, `${ISSUER}/signup`, { email, password });
}

const signIn = (email: string, password = PASSWORD) =>
  checkPasswordSignIn(env, createCoreDb(env.DB), { email, password, ip: `192.0.2.${people}` });

describe("sign-up on the auth host", () => {
  it("shows a form with a CSRF token that works without JavaScript", async () => {
    const browser = new TestBrowser();
    const response = await browser.fetch(`${ISSUER}/signup`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(html).not.toContain("<script");
    const fields = Object.fromEntries(formFields(html));
    expect(Object.keys(fields).sort()).toEqual(["csrf_token", "email", "password"]);
    expect(fields.csrf_token).toBe(browser.cookie(AUTH_HOST, "fun_csrf"));
  });

  it("creates a pending account, mails a link, and the link activates it so the password works", async () => {
    const email = freshEmail();
    const normalised = email.toLowerCase();
    const response = await signUp(new TestBrowser(), email);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Check your email");

    const mail = await awaitMail(normalised, "Confirm your email");
    const created = await accountByEmail(normalised);
    expect(created).toMatchObject({ status: "pending" });
    expect(await verifyPassword(PASSWORD, created?.password_hash ?? "")).toBe(true);
    const profile = await env.DB.prepare(
      "SELECT handle, display_name, type FROM profile WHERE account_id = ?",
    )
      .bind(created?.id)
      .first<{ handle: string; display_name: string; type: string }>();
    expect(profile).toMatchObject({ type: "fan", display_name: normalised.split("@")[0] });
    expect(profile?.handle).toMatch(/^new_fan_\d+\d{6}$/);
    // One person across the three brands, announced once.
    const presence = await env.DB.prepare(
      "SELECT count(*) AS brands FROM profile_tenant pt JOIN profile p ON p.id = pt.profile_id WHERE p.account_id = ? AND pt.is_visible = 1",
    )
      .bind(created?.id)
      .first<{ brands: number }>();
    expect(presence?.brands).toBe(3);
    const event = await env.DB.prepare(
      "SELECT payload FROM outbox WHERE type = 'fun.profile.created' AND json_extract(payload, '$.data.accountId') = ?",
    )
      .bind(created?.id)
      .all<{ payload: string }>();
    expect(event.results).toHaveLength(1);
    expect(JSON.parse(event.results[0]?.payload ?? "{}").data.tenantIds.sort()).toEqual([
      "daddyfanz",
      "girlfanz",
      "pupfanz",
    ]);
    expect(await signIn(email)).toEqual({ ok: false, reason: "invalid_credentials" });

    const link = linkIn(mail, `${ISSUER}/verify-email?token=`);
    const verified = await new TestBrowser().fetch(link);
    expect(verified.status).toBe(200);
    const page = await verified.text();
    expect(page).toContain("Your email is confirmed");
    expect(page).toContain('href="http://girlfanz.localhost:8787/"');
    expect(await accountByEmail(normalised)).toMatchObject({ status: "active" });
    expect(await signIn(email)).toEqual({ ok: true, accountId: created?.id });

    // The link works once.
    expect((await new TestBrowser().fetch(link)).status).toBe(400);
  });

  it("answers a sign-up for a taken email as for a new one, and mails the owner a note instead", async () => {
    const fresh = freshEmail().toLowerCase();
    const before = await accountByEmail("fan@fun.localhost");
    const [taken, free] = await Promise.all([
      signUp(new TestBrowser(), "fan@fun.localhost", "another password!"),
      signUp(new TestBrowser(), fresh),
    ]);
    expect(taken.status).toBe(free.status);
    expect(pageContent(await taken.text()).replace("fan@fun.localhost", "EMAIL")).toBe(
      pageContent(await free.text()).replace(fresh, "EMAIL"),
    );
    const note = await awaitMail("fan@fun.localhost", "Someone tried to sign up");
    expect(note.text).toContain(`${ISSUER}/password/forgot`);
    expect(note.text).not.toContain("token=");
    expect(await accountByEmail("fan@fun.localhost")).toEqual(before);
  });

  it("refuses a post without the CSRF token, with another token or from another origin, writing nothing", async () => {
    const email = freshEmail().toLowerCase();
    const browser = new TestBrowser();
    const page = await browser.fetch(`${ISSUER}/signup`);
    const token = Object.fromEntries(formFields(await page.text())).csrf_token ?? "";
    const attempts = [
      browser.postForm(`${ISSUER}/signup`, { email, password: PASSWORD }),
      browser.postForm(`${ISSUER}/signup`, { email, password: PASSWORD, csrf_token: `${token.slice(1)}x` }),
      browser.postForm(
        `${ISSUER}/signup`,
        { email, password: PASSWORD, csrf_token: token },
        {
          origin: "https://evil.example",
        },
      ),
      // A forged post from another site carries no cookie of ours.
      new TestBrowser().postForm(`${ISSUER}/signup`, { email, password: PASSWORD, csrf_token: token }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("This form expired");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await accountByEmail(email)).toBeNull();
    expect(await mailbox(email)).toEqual([]);
  });

  it("asks for a valid email and a password of 10 to 256 characters", async () => {
    const email = freshEmail().toLowerCase();
    const cases = [
      [email, "too short"],
      [email, "x".repeat(257)],
      ["not-an-email", PASSWORD],
    ] as const;
    for (const [address, password] of cases) {
      const response = await signUp(new TestBrowser(), address, password);
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/Choose a password|Enter a valid email/);
    }
    expect(await accountByEmail(email)).toBeNull();
  });

  it("refuses an unknown, used or expired verification link", async () => {
    const unknown = await new TestBrowser().fetch(`${ISSUER}/verify-email?token=nope`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("invalid, was already used or has expired");
    expect((await new TestBrowser().fetch(`${ISSUER}/verify-email`)).status).toBe(400);

    // A pending account whose link expired a second ago.
    const email = freshEmail().toLowerCase();
    const id = `acc_${String(people).padStart(20, "0")}EXPIRE`;
    const now = Date.now();
    const token = "expired-verification-token";
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO account (id, email, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?)",
      ).bind(id, email, now, now),
      env.DB.prepare(
        "INSERT INTO account_token (token_hash, account_id, purpose, created_at, expires_at) VALUES (?, ?, 'verify_email', ?, ?)",
      ).bind(await hashAccountToken(token), id, now - 86_400_000, now - 1_000),
    ]);
    expect((await new TestBrowser().fetch(`${ISSUER}/verify-email?token=${token}`)).status).toBe(400);
    expect(await accountByEmail(email)).toMatchObject({ status: "pending" });
  });

  it("exists on the auth host only", async () => {
    await expectProblem(await callWorker("/signup", { host: "girlfanz.localhost" }), 404, "not_found");
    await expectProblem(
      await callWorker("/verify-email?token=x", { host: "girlfanz.localhost" }),
      404,
      "not_found",
    );
  });
});

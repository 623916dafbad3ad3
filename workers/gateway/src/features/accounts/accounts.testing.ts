import { env } from "cloudflare:workers";
import { callWorker, eventually, formFields, type TestBrowser } from "@fun/testing";
import { expect } from "vitest";

// Helpers for this feature's tests: reading the dev mailbox and filling in the auth host's forms.

export const ISSUER = "http://auth.localhost:8787";
export const AUTH_HOST = "auth.localhost";

export interface DevMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: number;
}

/** The dev mailbox of an address, newest first, as a developer reads it. */
export async function mailbox(to: string): Promise<DevMail[]> {
  const response = await callWorker(`/dev/mailbox?to=${encodeURIComponent(to)}`, { host: AUTH_HOST });
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: DevMail[] }).messages;
}

/** Waits for a message to `to` whose subject contains `subject` (mail is sent after the response). */
export function awaitMail(to: string, subject: string): Promise<DevMail> {
  return eventually(async () => (await mailbox(to)).find((mail) => mail.subject.includes(subject)));
}

/** The link in a message that starts with `prefix`, e.g. `${ISSUER}/verify-email?token=`. */
export function linkIn(mail: DevMail, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const link = new RegExp(`${escaped}[A-Za-z0-9_-]+`).exec(mail.text)?.[0];
  if (!link) throw new Error(`no ${prefix} link in: ${mail.text}`);
  return link;
}

/** Opens a form page on the auth host and posts it back with `values` filled in, as a person would. */
export async function submitForm(browser: TestBrowser, pageUrl: string, values: Record<string, string>) {
  const page = await browser.fetch(pageUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? new URL(pageUrl).pathname;
  const fields = formFields(html).map(([name, value]): [string, string] => [name, values[name] ?? value]);
  return browser.postForm(`${ISSUER}${action}`, fields);
}

/** What a page says, without the per-response nonce: for comparing two answers. */
export function pageContent(html: string): string {
  return /<main>[\s\S]*<\/main>/.exec(html)?.[0] ?? "";
}

export const accountByEmail = (email: string) =>
  env.DB.prepare("SELECT id, status, password_hash FROM account WHERE email = ?")
    .bind(email)
    .first<{ id: string; status: string; password_hash: string }>();

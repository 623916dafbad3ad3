import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createCoreDb } from "@fun/db";
import { callWorker, expectProblem, gatewayRequest } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { createGatewayApp } from "../../app";
import { insertDevMail } from "./accounts.repo";
import { AUTH_HOST, mailbox } from "./accounts.testing";
import { DevMailbox, emailSenderFor } from "./email";

const db = createCoreDb(env.DB);

describe("GET /dev/mailbox", () => {
  it("lists the mail to one address, newest first, at most 50", async () => {
    const start = Date.now();
    for (let i = 0; i < 55; i++) {
      await insertDevMail(
        db,
        { to: "busy@fun.localhost", subject: `Message ${i}`, text: `Body ${i}` },
        start + i,
      );
    }
    await insertDevMail(db, { to: "someone-else@fun.localhost", subject: "Not yours", text: "-" });
    const messages = await mailbox("Busy@FUN.localhost");
    expect(messages).toHaveLength(50);
    expect(messages[0]).toMatchObject({
      to: "busy@fun.localhost",
      subject: "Message 54",
      text: "Body 54",
      createdAt: start + 54,
    });
    expect(messages[0]?.id).toMatch(/^mail_/);
    expect(messages.at(-1)?.subject).toBe("Message 5");
    expect(messages.map((m) => m.to)).not.toContain("someone-else@fun.localhost");
  });

  it("asks for the address", async () => {
    await expectProblem(await callWorker("/dev/mailbox", { host: AUTH_HOST }), 400, "validation_failed");
  });

  it("exists on the auth host only", async () => {
    await expectProblem(await callWorker("/dev/mailbox?to=fan@fun.localhost"), 404, "not_found");
  });

  it("does not exist when mail is really delivered", async () => {
    const app = createGatewayApp();
    const ctx = createExecutionContext();
    const response = await app.fetch(
      gatewayRequest("/dev/mailbox?to=fan@fun.localhost", { host: AUTH_HOST }),
      { ...env, EMAIL_DELIVERY: "provider" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const problem = await expectProblem(response, 404, "not_found");
    expect(problem.detail).toBe("There is no dev mailbox here.");
  });
});

describe("emailSenderFor", () => {
  it("stores mail in the dev mailbox locally", async () => {
    const sender = emailSenderFor(env, db);
    expect(sender).toBeInstanceOf(DevMailbox);
    await sender.send({
      to: "sent@fun.localhost",
      subject: "Hello",
      text: "Hi there",
      html: "<p>Hi there</p>",
    });
    const stored = await env.DB.prepare("SELECT subject, text, html FROM dev_mail WHERE to_address = ?")
      .bind("sent@fun.localhost")
      .first();
    expect(stored).toEqual({ subject: "Hello", text: "Hi there", html: "<p>Hi there</p>" });
  });

  it("fails loudly for a delivery that is not built, rather than dropping mail", () => {
    expect(() => emailSenderFor({ EMAIL_DELIVERY: "provider", AUTH_ISSUER: env.AUTH_ISSUER }, db)).toThrow(
      /not built yet/,
    );
  });

  it("refuses the dev mailbox behind a public issuer, where it would publish reset links", async () => {
    const production = { EMAIL_DELIVERY: "dev-mailbox", AUTH_ISSUER: "https://auth.fun.com" };
    expect(() => emailSenderFor(production, db)).toThrow(/not built yet/);
    const ctx = createExecutionContext();
    const response = await createGatewayApp().fetch(
      gatewayRequest("/dev/mailbox?to=fan@fun.localhost", { host: AUTH_HOST }),
      { ...env, ...production, AUTH_HOSTS: `${env.AUTH_HOSTS},auth.fun.com` },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    await expectProblem(response, 404, "not_found");
  });
});

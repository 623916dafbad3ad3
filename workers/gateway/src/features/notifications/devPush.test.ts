import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createCoreDb } from "@fun/db";
import { callWorker, expectProblem, gatewayRequest, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { createGatewayApp } from "../../app";
import { pushesTo, tenantIdOf } from "./notifications.testing";
import { DevPushLog, pushSenderFor } from "./push-sender";

const db = createCoreDb(env.DB);
const AUTH_HOST = "auth.localhost";

async function callWith(overrides: Partial<Env>, path: string) {
  const ctx = createExecutionContext();
  const response = await createGatewayApp().fetch(
    gatewayRequest(path, { host: AUTH_HOST }),
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

describe("GET /dev/push", () => {
  it("lists the pushes to one profile, newest first, on every brand", async () => {
    const [person, other] = await Promise.all([newPerson(), newPerson()]);
    const sender = pushSenderFor(env, db);
    await sender.send({
      profileId: person.profileId,
      tenantId: tenantIdOf("girlfanz"),
      title: "One",
      body: "1",
    });
    await new Promise((resolve) => setTimeout(resolve, 2));
    await sender.send({
      profileId: person.profileId,
      tenantId: tenantIdOf("pupfanz"),
      title: "Two",
      body: "2",
      url: "/somewhere",
    });
    await sender.send({
      profileId: other.profileId,
      tenantId: tenantIdOf("girlfanz"),
      title: "No",
      body: "-",
    });

    const pushes = await pushesTo(person.profileId);
    expect(pushes).toEqual([
      {
        id: expect.stringMatching(/^psh_[0-9A-Z]{26}$/),
        profileId: person.profileId,
        tenantId: tenantIdOf("pupfanz"),
        title: "Two",
        body: "2",
        url: "/somewhere",
        createdAt: expect.any(Number),
      },
      expect.objectContaining({ title: "One", tenantId: tenantIdOf("girlfanz"), url: null }),
    ]);
  });

  it("asks for a profile id", async () => {
    await expectProblem(await callWorker("/dev/push", { host: AUTH_HOST }), 400, "validation_failed");
    await expectProblem(
      await callWorker("/dev/push?profile=someone", { host: AUTH_HOST }),
      400,
      "validation_failed",
    );
  });

  it("exists on the auth host only", async () => {
    const person = await newPerson();
    await expectProblem(await callWorker(`/dev/push?profile=${person.profileId}`), 404, "not_found");
  });

  it("does not exist when pushes are really delivered, or behind a public issuer", async () => {
    const person = await newPerson();
    const path = `/dev/push?profile=${person.profileId}`;
    const delivered = await expectProblem(
      await callWith({ PUSH_DELIVERY: "web-push" }, path),
      404,
      "not_found",
    );
    expect(delivered.detail).toBe("There is no dev push log here.");
    const production = { AUTH_ISSUER: "https://auth.fun.com", AUTH_HOSTS: `${env.AUTH_HOSTS},auth.fun.com` };
    await expectProblem(await callWith(production, path), 404, "not_found");
  });
});

describe("pushSenderFor", () => {
  it("logs pushes locally, once per push id", async () => {
    const person = await newPerson();
    const sender = pushSenderFor(env, db);
    expect(sender).toBeInstanceOf(DevPushLog);
    const message = {
      id: "ntf_00000000000000000000000001",
      profileId: person.profileId,
      tenantId: tenantIdOf("girlfanz"),
      title: "Once",
      body: "only once",
    };
    await sender.send(message);
    await sender.send(message);
    expect(await pushesTo(person.profileId)).toEqual([expect.objectContaining({ id: message.id })]);
  });

  it("fails loudly for a delivery that is not built, and for dev pushes behind a public issuer", () => {
    expect(() => pushSenderFor({ PUSH_DELIVERY: "web-push", AUTH_ISSUER: env.AUTH_ISSUER }, db)).toThrow(
      /real push delivery is not built yet/,
    );
    expect(() =>
      pushSenderFor({ PUSH_DELIVERY: "dev-push", AUTH_ISSUER: "https://auth.fun.com" }, db),
    ).toThrow(/not built yet/);
  });

  it("sends nothing when a deployment switches push off, and the inbox still works", async () => {
    const person = await newPerson();
    const sender = pushSenderFor({ PUSH_DELIVERY: "off", AUTH_ISSUER: "https://auth.fun.com" }, db);
    expect(sender).not.toBeInstanceOf(DevPushLog);
    await sender.send({
      profileId: person.profileId,
      tenantId: tenantIdOf("girlfanz"),
      title: "No",
      body: "none",
    });
    expect(await pushesTo(person.profileId)).toEqual([]);
  });
});

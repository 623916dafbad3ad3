import { env } from "cloudflare:workers";
import { EVENT_TYPES } from "@fun/events";
import { accessToken, bearer, callBrand, expectProblem } from "@fun/testing";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { signatureHeaders } from "./signing";
import { type CreatedEndpoint, createEndpoint, personWithRole, tokenOf } from "./webhooks.testing";

const send = callBrand;
const BASE = "/v1/webhooks/endpoints";

async function storedSecret(id: string): Promise<string | undefined> {
  const row = await env.DB.prepare("SELECT secret_sealed FROM webhook_endpoint WHERE id = ?")
    .bind(id)
    .first<{ secret_sealed: string }>();
  return row?.secret_sealed;
}

describe("registering an endpoint", () => {
  it("returns the endpoint and a whsec_ secret once, defaulting to every event type", async () => {
    const response = await send("POST", BASE, await tokenOf("staff"), {
      url: "https://partner.example/hooks",
      description: "CRM sync",
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as CreatedEndpoint & Record<string, unknown>;
    expect(created).toMatchObject({
      id: expect.stringMatching(/^whe_[0-9A-Z]{26}$/),
      url: "https://partner.example/hooks",
      description: "CRM sync",
      eventTypes: [],
      status: "active",
    });
    expect(response.headers.get("location")).toBe(`${BASE}/${created.id}`);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const secretBytes = atob(created.secret.slice("whsec_".length)).length;
    expect(secretBytes).toBeGreaterThanOrEqual(24);
    expect(secretBytes).toBeLessThanOrEqual(32);

    // Never again: not on read, not in the list.
    const read = await send("GET", `${BASE}/${created.id}`, await tokenOf("staff"));
    expect(read.status).toBe(200);
    const readBody = (await read.json()) as Record<string, unknown>;
    expect(readBody).not.toHaveProperty("secret");
    expect(JSON.stringify(readBody)).not.toContain(created.secret.slice(6));
    const list = await (await send("GET", BASE, await tokenOf("staff"))).text();
    expect(list).toContain(created.id);
    expect(list).not.toContain(created.secret.slice(6));
  });

  it("stores the secret sealed, so the database never holds it in plain", async () => {
    const created = await createEndpoint({ url: "https://sealed.example/hooks" });
    const sealed = await storedSecret(created.id);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(created.secret);
    expect(sealed).not.toContain(created.secret.slice(6));
    // Nor does any other column of the row.
    const row = await env.DB.prepare("SELECT * FROM webhook_endpoint WHERE id = ?").bind(created.id).first();
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(6));
    // Two endpoints never share a sealed value, even the IV differs each time.
    const other = await createEndpoint({ url: "https://sealed.example/hooks" });
    expect((await storedSecret(other.id))?.split(".")[1]).not.toBe(sealed?.split(".")[1]);
  });

  it("accepts chosen catalogue types, once each, and http only for localhost receivers", async () => {
    const created = await createEndpoint({
      url: "http://receiver.localhost:9000/hooks",
      eventTypes: ["fun.content.published", "fun.content.published", "fun.payout.processed"],
    });
    expect(created.eventTypes).toEqual(["fun.content.published", "fun.payout.processed"]);
    expect((await createEndpoint({ url: "http://localhost:3000/in" })).url).toBe("http://localhost:3000/in");
    expect((await createEndpoint({ url: "https://x.example", eventTypes: EVENT_TYPES })).eventTypes).toEqual(
      EVENT_TYPES,
    );
  });

  it("refuses bad URLs and unknown event types, naming the field", async () => {
    const auth = await tokenOf("staff");
    const cases: [Record<string, unknown>, string][] = [
      [{ url: "http://refused.example/hooks" }, "url"],
      [{ url: "http://localhost.example.com/hooks" }, "url"],
      [{ url: "https://user:pass@refused.example/hooks" }, "url"],
      [{ url: "https://token@refused.example/hooks" }, "url"],
      [{ url: "ftp://refused.example/hooks" }, "url"],
      [{ url: "https://10.0.0.8/hooks" }, "url"],
      [{ url: "https://[::1]/hooks" }, "url"],
      [{ url: "https://intranet/hooks" }, "url"],
      [{ url: "https://printer.local/hooks" }, "url"],
      [{ url: "https://metadata.internal/hooks" }, "url"],
      [{ url: "refused.example/hooks" }, "url"],
      [{ url: `https://refused.example/${"a".repeat(2100)}` }, "url"],
      [{}, "url"],
      [{ url: "https://refused.example", eventTypes: ["fun.content.deleted"] }, "eventTypes.0"],
      [{ url: "https://refused.example", eventTypes: "fun.content.published" }, "eventTypes"],
      [{ url: "https://refused.example", description: "x".repeat(501) }, "description"],
      [{ url: "https://refused.example", secret: "whsec_mine" }, "(root)"],
    ];
    for (const [body, field] of cases) {
      const problem = await expectProblem(await send("POST", BASE, auth, body), 400, "validation_failed");
      expect(
        problem.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(field);
    }
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM webhook_endpoint WHERE url LIKE '%refused.example%'",
    ).first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("is open to admins as well as staff", async () => {
    const admin = await personWithRole("admin", null);
    const response = await send(
      "POST",
      BASE,
      bearer(await accessToken({ accountId: admin.id, brand: "daddyfanz" })),
      { url: "https://admin.example/hooks" },
      "daddyfanz",
    );
    expect(response.status).toBe(201);
  });
});

describe("managing endpoints", () => {
  it("lists only this brand's endpoints", async () => {
    const mine = await createEndpoint({ url: "https://list.example/girl" });
    const theirs = await createEndpoint({ url: "https://list.example/pup" }, "pupfanz");
    const girl = (await (await send("GET", BASE, await tokenOf("staff"))).json()) as {
      endpoints: { id: string }[];
    };
    const ids = girl.endpoints.map((e) => e.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    const pup = (await (
      await send("GET", BASE, await tokenOf("staff", "pupfanz"), undefined, "pupfanz")
    ).json()) as {
      endpoints: { id: string }[];
    };
    expect(pup.endpoints.map((e) => e.id)).toContain(theirs.id);
    expect(pup.endpoints.map((e) => e.id)).not.toContain(mine.id);
  });

  it("changes url, description, event types and status, and validates each", async () => {
    const auth = await tokenOf("staff");
    const created = await createEndpoint({ url: "https://patch.example/a", description: "first" });
    const response = await send("PATCH", `${BASE}/${created.id}`, auth, {
      url: "https://patch.example/b",
      description: null,
      eventTypes: ["fun.moderation.flagged"],
      status: "disabled",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: created.id,
      url: "https://patch.example/b",
      description: null,
      eventTypes: ["fun.moderation.flagged"],
      status: "disabled",
    });
    const read = (await (await send("GET", `${BASE}/${created.id}`, auth)).json()) as { status: string };
    expect(read.status).toBe("disabled");

    for (const [body, field] of [
      [{ url: "http://patch.example/c" }, "url"],
      [{ status: "paused" }, "status"],
      [{ eventTypes: ["nope"] }, "eventTypes.0"],
      [{}, "(root)"],
    ] as const) {
      const problem = await expectProblem(
        await send("PATCH", `${BASE}/${created.id}`, auth, body),
        400,
        "validation_failed",
      );
      expect(problem.errors?.map((e) => e.path)).toContain(field);
    }
  });

  it("rotates the secret: a new one shown once, the old one no longer verifies", async () => {
    const created = await createEndpoint({ url: "https://rotate.example/hooks" });
    const sealedBefore = await storedSecret(created.id);
    const response = await send("POST", `${BASE}/${created.id}:rotateSecret`, await tokenOf("staff"), {});
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as CreatedEndpoint;
    expect(rotated.id).toBe(created.id);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    const sealedAfter = await storedSecret(created.id);
    expect(sealedAfter).not.toBe(sealedBefore);
    expect(sealedAfter).not.toContain(rotated.secret.slice(6));

    const body = '{"type":"fun.content.published"}';
    const headers = await signatureHeaders(rotated.secret, "msg_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q", body);
    expect(() => new Webhook(rotated.secret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(created.secret).verify(body, headers)).toThrow();

    await expectProblem(
      await send("POST", `${BASE}/${created.id}:rotateSecret`, await tokenOf("staff"), { secret: "x" }),
      400,
      "validation_failed",
    );
  });

  it("deletes an endpoint with 204, after which it is gone", async () => {
    const auth = await tokenOf("staff");
    const created = await createEndpoint({ url: "https://delete.example/hooks" });
    const response = await send("DELETE", `${BASE}/${created.id}`, auth);
    expect(response.status).toBe(204);
    await expectProblem(await send("GET", `${BASE}/${created.id}`, auth), 404, "not_found");
    await expectProblem(await send("DELETE", `${BASE}/${created.id}`, auth), 404, "not_found");
    await expectProblem(await send("GET", `${BASE}/whe_nonsense`, auth), 400, "validation_failed");
  });
});

describe("who may manage webhooks", () => {
  let girlEndpoint: CreatedEndpoint;
  const routes = (id: string): [string, string, unknown][] => [
    ["POST", BASE, { url: "https://intruder.example/hooks" }],
    ["GET", BASE, undefined],
    ["GET", `${BASE}/${id}`, undefined],
    ["PATCH", `${BASE}/${id}`, { url: "https://intruder.example/hooks" }],
    ["DELETE", `${BASE}/${id}`, undefined],
    ["POST", `${BASE}/${id}:rotateSecret`, {}],
    ["GET", `${BASE}/${id}/deliveries`, undefined],
  ];

  beforeAll(async () => {
    girlEndpoint = await createEndpoint({ url: "https://guarded.example/hooks" });
  });

  it("refuses an anonymous caller on every route with 401", async () => {
    for (const [method, path, body] of routes(girlEndpoint.id)) {
      const response = await send(method, path, {}, body);
      await expectProblem(response, 401, "unauthenticated");
    }
  });

  it("refuses fans, creators and another brand's staff on this brand with 403", async () => {
    const pupStaff = await personWithRole("staff", "pupfanz");
    const callers = {
      fan: await tokenOf("fan"),
      creator: await tokenOf("creator"),
      pupfanzStaff: bearer(await accessToken({ accountId: pupStaff.id, brand: "girlfanz" })),
    };
    for (const [who, auth] of Object.entries(callers)) {
      for (const [method, path, body] of routes(girlEndpoint.id)) {
        const problem = await expectProblem(await send(method, path, auth, body), 403, "forbidden");
        expect(problem.detail, `${who} ${method} ${path}`).toContain("webhooks:manage");
      }
    }
  });

  it("hides one brand's endpoint from staff of another brand on their own host (404)", async () => {
    const pupStaff = await personWithRole("staff", "pupfanz");
    const auth = bearer(await accessToken({ accountId: pupStaff.id, brand: "pupfanz" }));
    for (const [method, path, body] of routes(girlEndpoint.id).slice(2)) {
      await expectProblem(await send(method, path, auth, body, "pupfanz"), 404, "not_found");
    }
    // A token for girlfanz does not work on pupfanz's host at all.
    await expectProblem(
      await send("GET", BASE, await tokenOf("staff"), undefined, "pupfanz"),
      401,
      "unauthenticated",
    );
    // Nothing changed.
    const read = (await (await send("GET", `${BASE}/${girlEndpoint.id}`, await tokenOf("staff"))).json()) as {
      url: string;
    };
    expect(read.url).toBe("https://guarded.example/hooks");
    expect(await storedSecret(girlEndpoint.id)).toBeDefined();
  });
});

import { createEvent, EVENT_TYPES } from "@fun/events";
import { callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";

type SchemasBody = {
  specversion: string;
  types: Record<
    string,
    { source: string; schema: { $schema: string; properties: Record<string, unknown>; required: string[] } }
  >;
};

describe("GET /v1/events/schemas", () => {
  it("serves a JSON Schema for every event type in the catalogue", async () => {
    const response = await callWorker("/v1/events/schemas");
    expect(response.status).toBe(200);
    const body = (await response.json()) as SchemasBody;
    expect(body.specversion).toBe("1.0");
    expect(Object.keys(body.types).sort()).toEqual([...EVENT_TYPES].sort());
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining(["fun.profile.created", "fun.content.published", "fun.content.crossposted"]),
    );
    const crossposted = body.types["fun.content.crossposted"];
    expect(crossposted?.source).toBe("content");
    expect(crossposted?.schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(crossposted?.schema.required).toEqual(
      expect.arrayContaining(["specversion", "id", "type", "data"]),
    );
    expect(crossposted?.schema.properties.data).toMatchObject({
      required: expect.arrayContaining(["contentId", "fromTenant", "toTenants"]),
    });
  });
});

describe("POST /v1/events/validate", () => {
  it("accepts an event the platform would emit", async () => {
    const event = createEvent(
      "fun.content.crossposted",
      { contentId: "cnt_1", fromTenant: "girlfanz", toTenants: ["pupfanz", "daddyfanz"] },
      { tenantId: "ten_x" },
    );
    const response = await callWorker("/v1/events/validate", { method: "POST", json: event });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ valid: true, type: "fun.content.crossposted", id: event.id });
  });

  it("names the wrong data field of a catalogued type", async () => {
    const event = createEvent("fun.content.crossposted", {
      contentId: "cnt_1",
      fromTenant: "girlfanz",
      toTenants: ["pupfanz"],
    });
    const broken = { ...event, data: { ...event.data, toTenants: [] } };
    const problem = await expectProblem(
      await callWorker("/v1/events/validate", { method: "POST", json: broken }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["data.toTenants"]);
  });

  it("refuses a well-formed envelope of a type we do not emit", async () => {
    const event = {
      ...createEvent("fun.content.published", { contentId: "c", creatorId: "p", tenantId: "girlfanz" }),
      type: "fun.unknown.thing",
    };
    const problem = await expectProblem(
      await callWorker("/v1/events/validate", { method: "POST", json: event }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.[0]?.path).toBe("type");
  });
});

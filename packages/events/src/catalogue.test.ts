import { describe, expect, it } from "vitest";
import { createEvent, EVENT_CATALOGUE, eventJsonSchemas, parseEvent } from "./catalogue";

describe("the event catalogue", () => {
  it("builds CloudEvents 1.0 envelopes with the blueprint's sources and data shapes", () => {
    const event = createEvent(
      "fun.profile.created",
      { profileId: "prf_1", accountId: "acc_1", tenantIds: ["girlfanz"] },
      { tenantId: "ten_1", subject: "prf_1" },
    );
    expect(event).toMatchObject({
      specversion: "1.0",
      type: "fun.profile.created",
      source: "iam",
      datacontenttype: "application/json",
      tenantid: "ten_1",
      subject: "prf_1",
      data: { profileId: "prf_1", accountId: "acc_1", tenantIds: ["girlfanz"] },
    });
    expect(event.id).toMatch(/^evt_/);
    expect(Number.isNaN(Date.parse(event.time))).toBe(false);
  });

  it("refuses data that does not match the type's schema", () => {
    expect(() =>
      createEvent("fun.content.crossposted", { contentId: "c", fromTenant: "girlfanz", toTenants: [] }),
    ).toThrow();
  });

  it("parses what it builds and rejects a foreign envelope", () => {
    const event = createEvent("fun.content.published", {
      contentId: "c",
      creatorId: "p",
      tenantId: "pupfanz",
    });
    expect(parseEvent(JSON.parse(JSON.stringify(event))).success).toBe(true);
    expect(parseEvent({ ...event, specversion: "0.3" }).success).toBe(false);
    expect(parseEvent({ ...event, data: { contentId: "c" } }).success).toBe(false);
  });

  it("exports a JSON Schema per type that describes its data", () => {
    const schemas = eventJsonSchemas();
    expect(Object.keys(schemas)).toEqual(Object.keys(EVENT_CATALOGUE));
    const payout = schemas["fun.payout.processed"].schema as {
      properties: { data: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(payout.properties.data.properties)).toEqual(
      expect.arrayContaining(["payoutId", "amountCents", "currency", "status"]),
    );
  });
});

import { env } from "cloudflare:workers";
import { accessToken, bearer, callBrand, expectProblem } from "@fun/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  consumeEvent,
  createEndpoint,
  deliver,
  fakeReceivers,
  personWithRole,
  published,
  tokenOf,
} from "./webhooks.testing";

interface Page {
  deliveries: {
    id: string;
    eventId: string;
    eventType: string;
    status: string;
    payload: { type: string; data: { eventId: string } };
    lastStatusCode: number | null;
    lastError: string | null;
    nextAttemptAt: string | null;
    createdAt: string;
    attempts: {
      attempt: number;
      statusCode: number | null;
      error: string | null;
      durationMs: number;
      attemptedAt: string;
    }[];
  }[];
  nextCursor: string | null;
}

let receivers: ReturnType<typeof fakeReceivers>;
beforeEach(() => {
  receivers = fakeReceivers();
});
afterEach(() => receivers.restore());

const logOf = async (endpointId: string, query = "") =>
  callBrand("GET", `/v1/webhooks/endpoints/${endpointId}/deliveries${query}`, await tokenOf("staff"));

/** An endpoint with three events fanned out to it, oldest first: sent, failed once, and not yet tried. */
async function endpointWithHistory() {
  const endpoint = await createEndpoint({ url: "https://log.example/hooks" });
  const deliveryIds: string[] = [];
  const eventIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const event = published();
    const queued = await consumeEvent(event);
    // Other endpoints of the brand (from earlier tests) get their own deliveries; keep this one's.
    const mine = await env.DB.prepare(
      "SELECT id FROM webhook_delivery WHERE endpoint_id = ? AND event_id = ?",
    )
      .bind(endpoint.id, event.id)
      .first<{ id: string }>();
    expect(queued.map((q) => q.deliveryId)).toContain(mine?.id);
    deliveryIds.push(mine?.id ?? "");
    eventIds.push(event.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  receivers.answer(
    () => new Response(null, { status: 204 }),
    () => new Response("down", { status: 500 }),
  );
  await deliver(deliveryIds[0] ?? "");
  await deliver(deliveryIds[1] ?? "");
  return { endpoint, deliveryIds, eventIds };
}

describe("the delivery log", () => {
  it("lists an endpoint's deliveries newest first, each with its attempts, by keyset cursor", async () => {
    const { endpoint, deliveryIds, eventIds } = await endpointWithHistory();
    const [sent, failed, untried] = deliveryIds;

    const first = await logOf(endpoint.id, "?limit=2");
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as Page;
    expect(page1.deliveries.map((d) => d.id)).toEqual([untried, failed]);
    expect(page1.deliveries[0]).toMatchObject({
      eventId: eventIds[2],
      eventType: "fun.content.published",
      status: "pending",
      lastStatusCode: null,
      attempts: [],
      payload: { type: "fun.content.published", data: { eventId: eventIds[2] } },
    });
    const failedOne = page1.deliveries[1];
    expect(failedOne).toMatchObject({
      status: "pending",
      lastStatusCode: 500,
      lastError: "HTTP 500",
      attempts: [{ attempt: 1, statusCode: 500, error: "HTTP 500" }],
    });
    expect(Date.parse(failedOne?.nextAttemptAt ?? "")).toBeGreaterThan(Date.now());
    expect(failedOne?.attempts[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(failedOne?.attempts[0]?.attemptedAt ?? "")).not.toBeNaN();
    expect(page1.nextCursor).toEqual(expect.any(String));

    const second = (await (await logOf(endpoint.id, `?limit=2&cursor=${page1.nextCursor}`)).json()) as Page;
    expect(second.deliveries.map((d) => d.id)).toEqual([sent]);
    expect(second.deliveries[0]).toMatchObject({
      status: "succeeded",
      lastStatusCode: 204,
      nextAttemptAt: null,
      attempts: [{ attempt: 1, statusCode: 204, error: null }],
    });
    expect(second.nextCursor).toBeNull();

    // The default page holds all three.
    const all = (await (await logOf(endpoint.id)).json()) as Page;
    expect(all.deliveries.map((d) => d.id)).toEqual([untried, failed, sent]);
    expect(all.nextCursor).toBeNull();
  });

  it("shows only that endpoint's deliveries, and nothing for a new endpoint", async () => {
    const quiet = await createEndpoint({
      url: "https://quiet.example/hooks",
      eventTypes: ["fun.payout.processed"],
    });
    await consumeEvent(published());
    const page = (await (await logOf(quiet.id)).json()) as Page;
    expect(page).toEqual({ deliveries: [], nextCursor: null });
  });

  it("refuses a cursor it did not give out and an out-of-range limit", async () => {
    const endpoint = await createEndpoint({ url: "https://cursor.example/hooks" });
    for (const cursor of ["nonsense", btoa('{"t":"x","id":"msg_1"}'), "eyJ0IjoxLCJpZCI6ImNudF8xIn0"]) {
      const problem = await expectProblem(
        await logOf(endpoint.id, `?cursor=${cursor}`),
        400,
        "validation_failed",
      );
      expect(problem.errors?.[0]?.path).toBe("cursor");
    }
    const problem = await expectProblem(await logOf(endpoint.id, "?limit=0"), 400, "validation_failed");
    expect(problem.errors?.[0]?.path).toBe("limit");
  });

  it("is another brand's secret: 404 to its staff on their host, 403 to them on this one", async () => {
    const { endpoint } = await endpointWithHistory();
    const pupStaff = await personWithRole("staff", "pupfanz");
    await expectProblem(
      await callBrand(
        "GET",
        `/v1/webhooks/endpoints/${endpoint.id}/deliveries`,
        bearer(await accessToken({ accountId: pupStaff.id, brand: "pupfanz" })),
        undefined,
        "pupfanz",
      ),
      404,
      "not_found",
    );
    await expectProblem(
      await callBrand(
        "GET",
        `/v1/webhooks/endpoints/${endpoint.id}/deliveries`,
        bearer(await accessToken({ accountId: pupStaff.id, brand: "girlfanz" })),
      ),
      403,
      "forbidden",
    );
    await expectProblem(
      await callBrand("GET", `/v1/webhooks/endpoints/${endpoint.id}/deliveries`, await tokenOf("fan")),
      403,
      "forbidden",
    );
    await expectProblem(
      await callBrand("GET", `/v1/webhooks/endpoints/${endpoint.id}/deliveries`),
      401,
      "unauthenticated",
    );
  });
});

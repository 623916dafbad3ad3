import { createCoreDb } from "@fun/db";
import { OutboxWriter, relayOutbox } from "@fun/events";
import { ApiError, REQUEST_ID_HEADER } from "@fun/http";
import { normaliseHost } from "@fun/tenancy";
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../context";
import { hostIndex } from "../features/tenants/tenant-directory";

/** The Host the client asked for. Under the test runner only the URL carries it. */
export function requestHost(request: Request): string {
  return request.headers.get("host") ?? new URL(request.url).host;
}

/**
 * Hands a request to another worker with this request's id, so both workers log the same id. The
 * answer's headers are immutable, so it is copied for the request-id middleware to stamp.
 */
async function forward(target: Fetcher, request: Request, requestId: string): Promise<Response> {
  const forwarded = new Request(request);
  forwarded.headers.set(REQUEST_ID_HEADER, requestId);
  const response = await target.fetch(forwarded);
  return new Response(response.body, response);
}

/**
 * Resolves the request's host before routing: a brand's media host goes to the vault worker and the
 * upload host to the media worker, whole; a brand or auth host continues into the gateway's routes
 * with its tenant and per-request services set; any other host is refused.
 */
export const resolveHost: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  const host = requestHost(c.req.raw);
  const match = (await hostIndex(c.env)).resolve(host);
  if (!match) throw new ApiError("unknown_host", `No FUN Core brand is served at ${normaliseHost(host)}.`);
  if (match.kind === "media") {
    c.get("logFields").tenant = match.tenant.slug;
    return forward(c.env.VAULT, c.req.raw, c.get("requestId"));
  }
  if (match.kind === "upload") return forward(c.env.MEDIA, c.req.raw, c.get("requestId"));

  if (match.kind === "tenant") c.get("logFields").tenant = match.tenant.slug;
  const db = createCoreDb(c.env.DB);
  const outbox = new OutboxWriter(db);
  c.set("host", match);
  c.set("services", { db, outbox });
  await next();
  // Send what this request wrote to the outbox without making the client wait; the cron sweep is
  // the safety net if this send fails or the isolate dies first.
  if (outbox.hasWritten) c.executionCtx.waitUntil(relayOutbox(c.env.DB, c.env.EVENTS).catch(logRelayFailure));
};

function logRelayFailure(error: unknown): void {
  console.error(JSON.stringify({ level: "error", message: "outbox relay failed", error: String(error) }));
}

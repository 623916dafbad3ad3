import { Hono } from "hono";

/** One canned answer, keyed by `<METHOD> <host><path>` (see bench/run.ts). */
interface BareRoute {
  status: number;
  contentType: string;
  body: string;
}

interface BareEnv {
  /** base64(UTF-8 JSON) of Record<key, BareRoute>, passed with `wrangler dev --var`. */
  BARE_ROUTES: string;
  /** "1": also write one JSON log line per request, shaped like the gateway's (see bench/README.md). */
  BARE_LOG?: string;
}

type Prepared = { route: BareRoute; json: unknown };

let routes: Map<string, Prepared> | undefined;

function loadRoutes(encoded: string): Map<string, Prepared> {
  const bytes = Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
  const table = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, BareRoute>;
  return new Map(
    Object.entries(table).map(([key, route]) => [
      key,
      { route, json: route.contentType.includes("json") ? JSON.parse(route.body) : undefined },
    ]),
  );
}

/**
 * The floor: no request id, no host resolution, no database; just the answer. With BARE_LOG=1 it
 * also logs one line per request, to separate the local log pipeline's cost from our middleware's.
 */
const app = new Hono<{ Bindings: BareEnv }>();

app.all("*", (c) => {
  routes ??= loadRoutes(c.env.BARE_ROUTES);
  if (c.env.BARE_LOG === "1") {
    console.info(
      JSON.stringify({
        level: "info",
        service: "bare",
        requestId: "req_00000000000000000000000000",
        method: c.req.method,
        host: c.req.header("host"),
        path: c.req.path,
        route: "*",
        status: 200,
        durationMs: 0,
        tenant: "pupfanz",
      }),
    );
  }
  const host = (c.req.header("host") ?? "").split(":")[0];
  const prepared = routes.get(`${c.req.method} ${host}${c.req.path}`);
  if (!prepared) return c.text("no such bench route", 404);
  const { route, json } = prepared;
  if (json !== undefined) return c.json(json, route.status as 200);
  return c.body(route.body, route.status as 200, { "content-type": route.contentType });
});

export default app;

/**
 * The benchmark's auth probe: the real gateway app (createGatewayApp, same middleware, same key ring
 * and session objects) with two extra routes that differ only in `requireAccount`, so their ratio is
 * the price of verifying an access token, routes that grow the feed and search corpus and the stored
 * near-duplicate index and query it. Run
 * only by `npm run bench`.
 */
import { createGatewayApp } from "../../workers/gateway/src/app";
import { requireAccount } from "../../workers/gateway/src/middleware/authenticate";
import { growCorpus } from "./corpus";
import { fillPdqIndex, queryPdqIndex } from "./pdq-index";

export { KeyRing } from "../../durable-objects/key-ring/key-ring";
export { LoginThrottle } from "../../durable-objects/login-throttle/login-throttle";
export { SessionStore } from "../../durable-objects/session/session-store";

const app = createGatewayApp({
  extraRoutes: (routes) => {
    routes.get("/bench/public", (c) => c.json({ ok: true }));
    routes.get("/bench/private", requireAccount, (c) => c.json({ ok: true }));
    // The feed and search corpus (bench/auth/corpus.ts), one chunk per call.
    routes.post("/bench/corpus", async (c) =>
      c.json({ posts: await growCorpus(c.env.DB, Number(c.req.query("posts") ?? 0)) }),
    );
    // The stored near-duplicate index (bench/auth/pdq-index.ts): fill one chunk per call, then query.
    routes.post("/bench/pdq-index/fill", async (c) =>
      c.json({ items: await fillPdqIndex(c.env.DB, Number(c.req.query("items") ?? 0)) }),
    );
    routes.get("/bench/pdq-index/query", async (c) =>
      c.json(
        await queryPdqIndex(
          c.env.DB,
          Number(c.req.query("queries") ?? 0),
          Number(c.req.query("linear") ?? 0),
        ),
      ),
    );
  },
});

export default { fetch: app.fetch };

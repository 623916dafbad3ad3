/**
 * The benchmark's auth probe: the real gateway app (createGatewayApp, same middleware, same key ring
 * and session objects) with two extra routes that differ only in `requireAccount`, so their ratio is
 * the price of verifying an access token, and a route that grows the feed and search corpus. Run
 * only by `npm run bench`.
 */
import { createGatewayApp } from "../../workers/gateway/src/app";
import { requireAccount } from "../../workers/gateway/src/middleware/authenticate";
import { growCorpus } from "./corpus";

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
  },
});

export default { fetch: app.fetch };

/**
 * The ledger benchmark worker (`npm run bench -- ledger`). `POST /bench/run` drives postings from
 * this worker into Durable Objects over RPC, the path commerce uses, and answers how long they took:
 *
 * - `target=ledger`: `recordSale` on `CreatorLedger` (a full posting: idempotency check, entry, four
 *   lines, running balances, sale facts, hold, alarm);
 * - `target=baseline`: `recordSale` on `BaselinePostings`, the same call answered by one SQLite
 *   insert: the floor set by the RPC round trip and the object's storage, in the same harness.
 *
 * Query: `creators` (objects the postings are spread over, round robin), `postings`, `inflight`
 * (calls in flight at once, across all objects), `run` (a prefix that keeps keys and objects of
 * different runs apart). Run only by `npm run bench`.
 */
import { DurableObject } from "cloudflare:workers";
import type { PostingResult, SaleInput } from "@fun/contracts";
import type { CreatorLedger } from "../../durable-objects/ledger/ledger";

export { CreatorLedger } from "../../durable-objects/ledger/ledger";

/**
 * The baseline: takes the same sale over the same RPC path and does one SQLite insert, so the ratio
 * against it is what the ledger's bookkeeping costs.
 */
export class BaselinePostings extends DurableObject<object> {
  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS posting (key TEXT PRIMARY KEY, amount INTEGER NOT NULL, at INTEGER NOT NULL)",
    );
  }

  async recordSale(input: SaleInput): Promise<PostingResult> {
    this.ctx.storage.sql.exec(
      "INSERT INTO posting (key, amount, at) VALUES (?, ?, ?)",
      input.key,
      input.gross,
      Date.now(),
    );
    return { applied: true, entryId: input.key };
  }
}

interface LedgerBenchEnv {
  LEDGER: DurableObjectNamespace<CreatorLedger>;
  BASELINE: DurableObjectNamespace<BaselinePostings>;
}

async function drive(env: LedgerBenchEnv, params: URLSearchParams) {
  const target = params.get("target") === "baseline" ? "baseline" : "ledger";
  const creators = Math.max(1, Number(params.get("creators") ?? 1));
  const postings = Math.max(1, Number(params.get("postings") ?? 1000));
  const inflight = Math.max(1, Number(params.get("inflight") ?? 64));
  const run = params.get("run") ?? "r";
  const namespace = target === "baseline" ? env.BASELINE : env.LEDGER;
  const objects = Array.from({ length: creators }, (_, i) =>
    namespace.get(namespace.idFromName(`prf_bench_${run}_${i}`)),
  );
  const occurredAt = Date.now();
  let next = 0;
  let failed = 0;
  const post = async (i: number) => {
    const key = `sale:${run}_${i}`;
    const result = await objects[i % creators]?.recordSale({
      key,
      tenantId: "ten_girlfanz",
      source: "tip",
      currency: "USD",
      gross: 500,
      platformFee: 100,
      processorFee: 45,
      occurredAt,
      // Far enough that no release alarm fires during the run.
      holdDays: 7,
      ref: { providerRef: `ch_${run}_${i}` },
    });
    if (!result?.applied) failed++;
  };
  const worker = async () => {
    while (next < postings) await post(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inflight, postings) }, worker));
  // No timing here: workerd's clock stands still while the isolate is busy, so a CPU-bound run
  // looks shorter than it is from inside. The caller times the request.
  return { target, creators, postings, inflight, failed };
}

export default {
  async fetch(request: Request, env: LedgerBenchEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/bench/ready") return Response.json({ ok: true });
    if (url.pathname === "/bench/run" && request.method === "POST") {
      return Response.json(await drive(env, url.searchParams));
    }
    return Response.json({ error: "not found" }, { status: 404 });
  },
} satisfies ExportedHandler<LedgerBenchEnv>;

import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requirePermission } from "../../middleware/authenticate";
import { ledgerOf } from "../payments/commerce-context";
import { hostIndex } from "../tenants/tenant-directory";

const DAY = 24 * 60 * 60 * 1000;

const Figures = z
  .object({
    gross: z.number().int(),
    platformFees: z.number().int(),
    processorFees: z.number().int(),
    reversals: z.number().int().openapi({ description: "Refunds and chargebacks." }),
    net: z.number().int(),
  })
  .openapi("EarningsFigures");

const Earnings = z
  .object({
    from: z.string(),
    to: z.string(),
    tenant: z.string().openapi({ description: "A brand's slug, or all." }),
    currencies: z.array(
      z.object({
        currency: z.string(),
        totals: Figures,
        bySource: z.object({ subscription: Figures, ppv: Figures, tip: Figures }),
        byTenant: z.record(z.string(), Figures).openapi({ description: "Keyed by brand slug." }),
        pending: z.number().int(),
        available: z.number().int(),
      }),
    ),
  })
  .openapi("Earnings");

const route = defineRoute({
  method: "get",
  path: "/v1/earnings",
  tags: ["Commerce"],
  summary: "The caller's earnings: gross, fees, net, pending and available, by source and by brand",
  description:
    "`range` is `7d`, `30d`, `90d`, `365d` or `YYYY-MM-DD..YYYY-MM-DD` (end exclusive); `tenant` a brand's slug or `all` (the default). Figures are integer minor units per currency.",
  security: [{ bearerAuth: [] }],
  middleware: [requirePermission("payouts:request")] as const,
  request: {
    query: z.object({
      tenant: z
        .string()
        .regex(/^[a-z][a-z0-9-]*$/)
        .default("all"),
      range: z
        .string()
        .regex(/^(\d{1,3}d|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$/)
        .default("30d"),
    }),
  },
  responses: { 200: { description: "The earnings.", content: { "application/json": { schema: Earnings } } } },
});

function rangeOf(range: string, now: number): { from: number; to: number } {
  const days = /^(\d+)d$/.exec(range);
  if (days) return { from: now - Number(days[1]) * DAY, to: now + 1 };
  const [from = "", to = ""] = range.split("..");
  const span = { from: Date.parse(`${from}T00:00:00Z`), to: Date.parse(`${to}T00:00:00Z`) };
  if (!(span.from < span.to)) {
    throw new ApiError("validation_failed", "The range's start must come before its end.", {
      errors: [{ location: "query", path: "range", message: "start must be before end" }],
    });
  }
  return span;
}

export function registerGetEarnings(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const profileId = c.get("auth").principal?.profileId;
    if (!profileId) throw new ApiError("forbidden", "Create a profile first.");
    const query = c.req.valid("query");
    const index = await hostIndex(c.env);
    const tenant = query.tenant === "all" ? undefined : index.tenants().find((t) => t.slug === query.tenant);
    if (query.tenant !== "all" && !tenant) throw new ApiError("not_found", "No such brand.");
    const span = rangeOf(query.range, Date.now());
    // Always the caller's own ledger: nobody reads another creator's earnings here.
    const reports = await ledgerOf(c.env, profileId).earnings({
      ...(tenant ? { tenantId: tenant.id } : {}),
      ...span,
    });
    const slug = (id: string) => index.tenant(id)?.slug ?? id;
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        from: new Date(span.from).toISOString(),
        to: new Date(span.to).toISOString(),
        tenant: query.tenant,
        currencies: reports.map((report) => ({
          ...report,
          byTenant: Object.fromEntries(
            Object.entries(report.byTenant).map(([id, figures]) => [slug(id), figures]),
          ),
        })),
      },
      200,
    );
  });
}

import { ApiError, defineRoute } from "@fun/http";
import { enabledFeatures } from "@fun/tenancy";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requestHost } from "../../middleware/resolve-host";
import { publicUrls } from "./public-urls";
import { PublicTenantSchema } from "./tenants.schema";

const route = defineRoute({
  method: "get",
  path: "/v1/tenants/current",
  tags: ["Tenants"],
  summary: "The brand this host serves: name, theme, enabled features and public URLs",
  responses: {
    200: {
      description: "The brand's public configuration.",
      content: { "application/json": { schema: PublicTenantSchema } },
    },
  },
});

/** Picks the auth host for an environment from the configured list (`auth.localhost,auth.fun.com`). */
export function authHostFor(configured: string, environment: "local" | "production"): string {
  const hosts = configured.split(",").map((host) => host.trim());
  const local = hosts.find((host) => host.endsWith(".localhost"));
  const production = hosts.find((host) => !host.endsWith(".localhost"));
  return (environment === "local" ? local : production) ?? hosts[0] ?? "";
}

export function registerGetCurrentTenant(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, (c) => {
    const host = c.get("host");
    if (host.kind !== "tenant") throw new ApiError("not_found", "This host does not serve a brand.");
    const { tenant, environment } = host;
    const { settings } = tenant;
    return c.json(
      {
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        theme: settings.theme,
        features: enabledFeatures(settings),
        jurisdiction: {
          minimumAge: settings.jurisdiction.minimumAge,
          blockedCountries: settings.jurisdiction.blockedCountries,
        },
        urls: publicUrls(
          tenant,
          environment,
          { url: c.req.url, host: requestHost(c.req.raw) },
          authHostFor(c.env.AUTH_HOSTS, environment),
          c.env.LOCAL_PUBLIC_PORT,
        ),
      },
      200,
    );
  });
}

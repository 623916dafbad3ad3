import type { Scenario } from "./types";

/** The cheapest real route: host → tenant resolution, then the tenant document as JSON. */
export const tenantsCurrent: Scenario = {
  name: "tenants.current",
  description: "GET /v1/tenants/current on pupfanz.localhost",
  target: 0.8,
  prepare: async () => ({ host: "pupfanz.localhost", path: "/v1/tenants/current" }),
};

import type { Tenant } from "@fun/tenancy";

/** The header a local stack may use to say which country a request comes from (tests, demos). */
export const GEO_OVERRIDE_HEADER = "x-fun-geo-country";

/**
 * The viewer's country: Cloudflare's `request.cf.country` in production; locally, where there is no
 * `cf` object, the override header when `GEO_OVERRIDE` allows it (never in production).
 */
export function viewerCountry(request: Request, env: Pick<VaultEnv, "GEO_OVERRIDE">): string | null {
  if (env.GEO_OVERRIDE === "header") {
    const override = request.headers.get(GEO_OVERRIDE_HEADER);
    if (override && /^[A-Za-z]{2}$/.test(override)) return override.toUpperCase();
  }
  const country = (request as Request & { cf?: { country?: unknown } }).cf?.country;
  return typeof country === "string" ? country.toUpperCase() : null;
}

/** Whether the brand's jurisdiction rules refuse this country. */
export function geoBlocked(tenant: Tenant, country: string | null): boolean {
  return (
    country !== null && tenant.settings.jurisdiction.blockedCountries.some((c) => c.toUpperCase() === country)
  );
}

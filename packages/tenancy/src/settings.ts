import { z } from "zod";

const hostname = z
  .string()
  .regex(/^[a-z0-9.-]+$/, "a lowercase hostname without scheme or port")
  .describe("a hostname without scheme or port");

const colour = z.string().regex(/^#[0-9a-f]{6}$/i, "a #rrggbb colour");

/** The hostnames one brand answers on in one environment. */
export const TenantDomainsSchema = z.object({
  web: hostname,
  api: hostname.optional(),
  media: hostname,
});

/** Everything a brand configures about itself; stored as JSON in `tenant.settings`. */
export const TenantSettingsSchema = z.object({
  domains: z.object({ local: TenantDomainsSchema, production: TenantDomainsSchema }),
  theme: z.object({
    primary: colour,
    accent: colour,
    background: colour,
    text: colour,
    tagline: z.string().max(140),
  }),
  /** Feature flags: a feature missing here is off. */
  features: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/), z.boolean()),
  /** Legal toggles per brand. A placeholder until the compliance issue fills in the rules engine. */
  jurisdiction: z.object({
    minimumAge: z.number().int().min(18),
    blockedCountries: z.array(z.string().length(2)),
    regionRules: z.array(z.object({ region: z.string(), rule: z.string() })),
  }),
  fees: z.object({
    /** Platform fee in basis points of gross (0 = creators keep 100%). */
    platformFeeBps: z.number().int().min(0).max(10_000),
  }),
});

export type TenantSettings = z.infer<typeof TenantSettingsSchema>;
export type TenantDomains = z.infer<typeof TenantDomainsSchema>;

/** A tenant as the request pipeline sees it. */
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  settings: TenantSettings;
}

/** The feature flags that are switched on, sorted. */
export function enabledFeatures(settings: TenantSettings): string[] {
  return Object.entries(settings.features)
    .filter(([, on]) => on)
    .map(([name]) => name)
    .sort();
}

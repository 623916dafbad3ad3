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

/** Who a flag can be rolled out to, besides everyone: by profile type, or by whether anyone signed in. */
export const SEGMENTS = ["anonymous", "signed_in", "fan", "creator", "staff"] as const;
export type Segment = (typeof SEGMENTS)[number];

/**
 * A flag is on (`true`), off (`false`), or rolled out: on for the listed segments and for `percent`
 * of signed-in profiles (a stable bucket per flag and profile, so a profile keeps its answer).
 */
export const FeatureFlagSchema = z.union([
  z.boolean(),
  z
    .object({
      segments: z.array(z.enum(SEGMENTS)).default([]),
      percent: z.number().int().min(0).max(100).default(0),
    })
    .strict(),
]);
export type FeatureFlagSetting = z.infer<typeof FeatureFlagSchema>;

const searchTerm = z
  .string()
  .regex(/^[\p{L}\p{N}]+$/u, "one word of letters and digits")
  .transform((term) => term.toLowerCase());

/** A brand's search voice and rules (features/search). */
export const SearchSettingsSchema = z.object({
  /** Groups of words that find each other ("pup", "puppy"): a query for one matches any. */
  synonyms: z.array(z.array(searchTerm).min(2)).default([]),
  /** Words that are never searched for nor found on this brand. */
  blockedTerms: z.array(searchTerm).default([]),
  /** Whether search hides explicit content unless the caller asks for `safe=off`. */
  safeByDefault: z.boolean().default(true),
});
export type SearchSettings = z.infer<typeof SearchSettingsSchema>;

const MiB = 1024 * 1024;

/**
 * What a brand accepts as uploads: the media types (the type sniffed from the bytes must be one of
 * them too), and the largest file per kind. R2 allows up to 5 TiB per object; the brand's own limits
 * are far lower.
 */
export const MediaSettingsSchema = z.object({
  allowedTypes: z
    .array(z.string().regex(/^(image|video|audio)\/[a-z0-9.+-]+$/, "an image/, video/ or audio/ media type"))
    .min(1),
  maxBytes: z.object({
    image: z.number().int().positive(),
    video: z.number().int().positive(),
    audio: z.number().int().positive(),
  }),
});
export type MediaSettings = z.infer<typeof MediaSettingsSchema>;

export const DEFAULT_MEDIA_SETTINGS: MediaSettings = {
  allowedTypes: ["image/jpeg", "image/png", "image/webp", "video/mp4", "video/quicktime", "video/webm"],
  maxBytes: { image: 50 * MiB, video: 20 * 1024 * MiB, audio: 500 * MiB },
};

/**
 * How a brand sells and pays out (the platform fee is `fees.platformFeeBps`): the currency it prices
 * in, how many days a sale stays pending before the creator may withdraw it (refunds and chargebacks
 * come out of that window), and the smallest payout.
 */
export const CommerceSettingsSchema = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code"),
  holdDays: z.number().int().min(0).max(90),
  payoutMinimumCents: z.number().int().min(1),
});
export type CommerceSettings = z.infer<typeof CommerceSettingsSchema>;

export const DEFAULT_COMMERCE_SETTINGS: CommerceSettings = {
  currency: "USD",
  holdDays: 7,
  payoutMinimumCents: 2000,
};

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
  /** Feature flags, read through `isFeatureOn` (flags.ts): a feature missing here is off. */
  features: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/), FeatureFlagSchema),
  search: SearchSettingsSchema.default({ synonyms: [], blockedTerms: [], safeByDefault: true }),
  media: MediaSettingsSchema.default(DEFAULT_MEDIA_SETTINGS),
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
  commerce: CommerceSettingsSchema.default(DEFAULT_COMMERCE_SETTINGS),
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

/** The feature flags that are on for everyone, sorted (rolled-out flags depend on who asks). */
export function enabledFeatures(settings: TenantSettings): string[] {
  return Object.entries(settings.features)
    .filter(([, on]) => on === true)
    .map(([name]) => name)
    .sort();
}

import { DEFAULT_COMMERCE_SETTINGS, DEFAULT_MEDIA_SETTINGS, type TenantSettings } from "@fun/tenancy";
import { insertRow, seedId } from "./sql";

/**
 * The three brands and the built-in roles: the only rows production needs, so they are upserted
 * (a changed theme or permission list applies on the next seed) rather than inserted once.
 */

type Brand = "girlfanz" | "pupfanz" | "daddyfanz";

interface BrandSeed {
  name: string;
  theme: TenantSettings["theme"];
  features: TenantSettings["features"];
  search: TenantSettings["search"];
  media: TenantSettings["media"];
  fees: TenantSettings["fees"];
  commerce: TenantSettings["commerce"];
}

/** Words no brand lets anyone search for or be found by: anything suggesting a minor. */
const SAFETY_BLOCKED_TERMS = [
  "underage",
  "minor",
  "minors",
  "child",
  "children",
  "kid",
  "kids",
  "schoolgirl",
];

const BRANDS: Record<Brand, BrandSeed> = {
  girlfanz: {
    name: "GirlFanz",
    theme: {
      primary: "#e0218a",
      accent: "#ffb3d9",
      background: "#14060f",
      text: "#fff5fa",
      tagline: "Her stage, her rules.",
    },
    features: {
      crossPost: true,
      ppv: true,
      tips: true,
      ads: true,
      messaging: true,
      liveStreams: true,
      feedRanked: true,
      search: true,
    },
    search: {
      synonyms: [
        ["gf", "girlfriend"],
        ["lingerie", "lace", "boudoir"],
        ["fitness", "gym", "workout"],
      ],
      blockedTerms: SAFETY_BLOCKED_TERMS,
      safeByDefault: true,
    },
    media: DEFAULT_MEDIA_SETTINGS,
    fees: { platformFeeBps: 2000 },
    commerce: DEFAULT_COMMERCE_SETTINGS,
  },
  pupfanz: {
    name: "PupFanz",
    theme: {
      primary: "#1f6feb",
      accent: "#f2a900",
      background: "#0b1220",
      text: "#eef3ff",
      tagline: "Good pups get the best fans.",
    },
    features: {
      crossPost: true,
      ppv: true,
      tips: true,
      ads: true,
      messaging: true,
      liveStreams: false,
      // Ranked feed rolled out to creators and staff first, and to a quarter of everyone else.
      feedRanked: { segments: ["creator", "staff"], percent: 25 },
      search: true,
    },
    search: {
      synonyms: [
        ["pup", "puppy", "pupper"],
        ["handler", "trainer"],
        ["hood", "mask"],
      ],
      blockedTerms: SAFETY_BLOCKED_TERMS,
      safeByDefault: true,
    },
    // Photos up to 20 MiB and no WebM video (the brand's apps cannot play it yet).
    media: {
      allowedTypes: DEFAULT_MEDIA_SETTINGS.allowedTypes.filter((type) => type !== "video/webm"),
      maxBytes: { ...DEFAULT_MEDIA_SETTINGS.maxBytes, image: 20 * 1024 * 1024 },
    },
    fees: { platformFeeBps: 2000 },
    // A shorter hold and a lower minimum, paid out in euros.
    commerce: { currency: "EUR", holdDays: 5, payoutMinimumCents: 1000 },
  },
  daddyfanz: {
    name: "DaddyFanz",
    theme: {
      primary: "#8b5a2b",
      accent: "#c9a227",
      background: "#121010",
      text: "#f7f1e8",
      tagline: "Seasoned. Bold. Yours.",
    },
    features: {
      crossPost: true,
      ppv: true,
      tips: true,
      ads: false,
      messaging: true,
      liveStreams: false,
      feedRanked: false,
      search: true,
    },
    search: {
      synonyms: [
        ["dad", "daddy", "dilf"],
        ["bear", "cub"],
        ["silver", "grey", "gray"],
      ],
      blockedTerms: SAFETY_BLOCKED_TERMS,
      safeByDefault: true,
    },
    media: DEFAULT_MEDIA_SETTINGS,
    // Creators keep 100 %: no platform fee (the processor's fee is still recorded).
    fees: { platformFeeBps: 0 },
    commerce: DEFAULT_COMMERCE_SETTINGS,
  },
};

function settingsFor(slug: Brand, brand: BrandSeed): TenantSettings {
  return {
    domains: {
      local: { web: `${slug}.localhost`, media: `media.${slug}.localhost` },
      production: { web: `${slug}.com`, api: `api.${slug}.com`, media: `media.${slug}.com` },
    },
    theme: brand.theme,
    features: brand.features,
    search: brand.search,
    media: brand.media,
    // Placeholder until the compliance rules engine lands: adults only, nothing else blocked yet.
    jurisdiction: { minimumAge: 18, blockedCountries: [], regionRules: [] },
    fees: brand.fees,
    commerce: brand.commerce,
  };
}

function tenantSeed(slug: Brand) {
  const brand = BRANDS[slug];
  return {
    id: seedId("tenant", `tenant:${slug}`),
    slug,
    name: brand.name,
    settings: settingsFor(slug, brand),
  };
}

export const TENANTS = {
  girlfanz: tenantSeed("girlfanz"),
  pupfanz: tenantSeed("pupfanz"),
  daddyfanz: tenantSeed("daddyfanz"),
} as const;

export const ROLES = {
  fan: {
    id: seedId("role", "role:fan"),
    name: "fan",
    scope: "global",
    permissions: ["content:read", "subscriptions:manage", "purchases:create", "messages:send"],
  },
  creator: {
    id: seedId("role", "role:creator"),
    name: "creator",
    scope: "global",
    permissions: [
      "content:write",
      "content:publish",
      "media:upload",
      "plans:manage",
      "payouts:request",
      "insights:read",
    ],
  },
  staff: {
    id: seedId("role", "role:staff"),
    name: "staff",
    scope: "tenant",
    permissions: [
      "moderation:review",
      "compliance:read",
      "support:manage",
      "ads:review",
      "tokens:introspect",
      "webhooks:manage",
      "vault:keys",
    ],
  },
  admin: {
    id: seedId("role", "role:admin"),
    name: "admin",
    scope: "global",
    permissions: [
      "content:write",
      "moderation:review",
      "compliance:read",
      "compliance:write",
      "ads:manage",
      "tenants:manage",
      "roles:manage",
      "payouts:manage",
      "tokens:introspect",
      "keys:rotate",
      "webhooks:manage",
      "hashlists:manage",
      "vault:keys",
    ],
  },
  /** Trust & safety: platform-wide moderation and the known-bad hash lists. */
  safety: {
    id: seedId("role", "role:safety"),
    name: "safety",
    scope: "global",
    permissions: ["moderation:review", "hashlists:manage"],
  },
} as const;

/** The local dev server's origin for a brand; the port is `npm run dev`'s default. */
const localOrigin = (slug: Brand) => `http://${slug}.localhost:8787`;

/**
 * Each brand's web app as a first-party public OIDC client of the issuer (`<slug>-web`). Redirect URIs
 * are matched exactly. Local URIs are registered only in local seeds, never in production.
 */
export function oauthClients(options: { local: boolean }) {
  return (Object.keys(TENANTS) as Brand[]).map((slug) => {
    const origins = [`https://${slug}.com`, ...(options.local ? [localOrigin(slug)] : [])];
    return {
      id: `${slug}-web`,
      tenant_id: TENANTS[slug].id,
      name: `${BRANDS[slug].name} web`,
      type: "public",
      first_party: 1,
      redirect_uris: origins.map((origin) => `${origin}/v1/auth/oidc/callback`),
      post_logout_redirect_uris: origins.map((origin) => `${origin}/`),
      grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange"],
    };
  });
}

/** Upserts for the tenants, roles and the brands' OAuth clients. */
export function baseStatements(now: number, options: { local: boolean }): string[] {
  const tenants = Object.values(TENANTS).map((tenant) =>
    insertRow(
      "tenant",
      { ...tenant, created_at: now, updated_at: now },
      { target: ["id"], update: ["slug", "name", "settings"], touch: "updated_at" },
    ),
  );
  const roles = Object.values(ROLES).map((role) =>
    insertRow(
      "role",
      { id: role.id, name: role.name, scope: role.scope, permissions: [...role.permissions] },
      { target: ["id"], update: ["name", "scope", "permissions"] },
    ),
  );
  const clients = oauthClients(options).map((client) =>
    insertRow(
      "oauth_client",
      { ...client, created_at: now, updated_at: now },
      {
        target: ["id"],
        update: [
          "tenant_id",
          "name",
          "type",
          "first_party",
          "redirect_uris",
          "post_logout_redirect_uris",
          "grant_types",
        ],
        touch: "updated_at",
      },
    ),
  );
  return [...tenants, ...roles, ...clients];
}

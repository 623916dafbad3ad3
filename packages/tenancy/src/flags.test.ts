import { describe, expect, it } from "vitest";
import { isFeatureOn, rolloutBucket } from "./flags";
import { type TenantSettings, TenantSettingsSchema } from "./settings";

const settings = (features: Record<string, unknown>) => ({ features }) as unknown as TenantSettings;

describe("feature flags", () => {
  it("reads on, off and missing flags the same for everyone", () => {
    const brand = settings({ search: true, feedRanked: false });
    expect(isFeatureOn(brand, "search")).toBe(true);
    expect(isFeatureOn(brand, "feedRanked", { profileId: "prf_1", segments: ["signed_in", "staff"] })).toBe(
      false,
    );
    expect(isFeatureOn(brand, "tips")).toBe(false);
  });

  it("rolls out to the named segments, and to a stable share of profiles", () => {
    const brand = settings({ feedRanked: { segments: ["creator"], percent: 30 } });
    expect(isFeatureOn(brand, "feedRanked", { profileId: "prf_x", segments: ["signed_in", "creator"] })).toBe(
      true,
    );
    expect(isFeatureOn(brand, "feedRanked")).toBe(false);
    const ids = Array.from({ length: 2000 }, (_, i) => `prf_${i}`);
    const on = ids.filter((profileId) =>
      isFeatureOn(brand, "feedRanked", { profileId, segments: ["signed_in", "fan"] }),
    );
    // About 30% of fans, and each keeps their answer.
    expect(on.length / ids.length).toBeGreaterThan(0.25);
    expect(on.length / ids.length).toBeLessThan(0.35);
    for (const profileId of on.slice(0, 20)) expect(rolloutBucket("feedRanked", profileId)).toBeLessThan(30);
    // Buckets differ per flag, so the same fans are not always first in line.
    const other = ids.filter((profileId) => rolloutBucket("search", profileId) < 30);
    expect(other).not.toEqual(on);
  });

  it("refuses settings with unknown rollout fields or segments", () => {
    const base = {
      domains: {
        local: { web: "a.localhost", media: "media.a.localhost" },
        production: { web: "a.com", media: "media.a.com" },
      },
      theme: { primary: "#000000", accent: "#000000", background: "#000000", text: "#ffffff", tagline: "" },
      jurisdiction: { minimumAge: 18, blockedCountries: [], regionRules: [] },
      fees: { platformFeeBps: 0 },
    };
    expect(
      TenantSettingsSchema.safeParse({ ...base, features: { search: { segments: ["vip"] } } }).success,
    ).toBe(false);
    expect(TenantSettingsSchema.safeParse({ ...base, features: { search: { percent: 101 } } }).success).toBe(
      false,
    );
    const parsed = TenantSettingsSchema.parse({ ...base, features: { search: { percent: 5 } } });
    expect(parsed.features.search).toEqual({ segments: [], percent: 5 });
    expect(parsed.search).toEqual({ synonyms: [], blockedTerms: [], safeByDefault: true });
  });
});

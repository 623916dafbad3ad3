import type { Segment, TenantSettings } from "./settings";

/** Every flag the code reads, and what it switches. A flag missing from a brand's settings is off. */
export const FEATURE_FLAGS = {
  crossPost: "Creators may cross-post to and from this brand.",
  ppv: "Pay-per-view posts.",
  tips: "Tips to creators.",
  ads: "Ad placements.",
  messaging: "Direct messages.",
  liveStreams: "Live streams.",
  feedRanked: "The ranked feed (`GET /v1/feed?algo=ranked`).",
  search: "Search and discovery (`GET /v1/search`).",
} as const;

export type FeatureFlag = keyof typeof FEATURE_FLAGS;

/** Who is asking, as far as flags care. */
export interface FlagViewer {
  profileId?: string | undefined;
  segments: readonly Segment[];
}

export const ANONYMOUS_VIEWER: FlagViewer = { segments: ["anonymous"] };

/** 0–99, the same for a flag and profile every time: FNV-1a of `flag:profileId`. */
export function rolloutBucket(flag: string, profileId: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${flag}:${profileId}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100;
}

/**
 * The one way code asks whether a feature is on for this brand and viewer: `true`/`false` as set,
 * or, for a rollout, on when the viewer is in one of its segments or in its percentage of profiles.
 */
export function isFeatureOn(
  settings: TenantSettings,
  flag: FeatureFlag,
  viewer: FlagViewer = ANONYMOUS_VIEWER,
): boolean {
  const setting = settings.features[flag];
  if (setting === undefined || typeof setting === "boolean") return setting ?? false;
  if (viewer.segments.some((segment) => setting.segments.includes(segment))) return true;
  return viewer.profileId !== undefined && rolloutBucket(flag, viewer.profileId) < setting.percent;
}

import { ApiError } from "@fun/http";
import {
  ANONYMOUS_VIEWER,
  FEATURE_FLAGS,
  type FeatureFlag,
  type FlagViewer,
  isFeatureOn,
  type Tenant,
} from "@fun/tenancy";

/** The flag viewer of a signed-in profile: signed in, plus its profile type as a segment. */
export function viewerOfProfile(
  profile: { id: string; type: "creator" | "fan" | "staff" } | undefined,
): FlagViewer {
  if (!profile) return { segments: ["signed_in"] };
  return { profileId: profile.id, segments: ["signed_in", profile.type] };
}

/** Refuses with 404 `feature_disabled` when the flag is off on this brand for this viewer. */
export function requireFeature(
  tenant: Tenant,
  flag: FeatureFlag,
  viewer: FlagViewer = ANONYMOUS_VIEWER,
): void {
  if (isFeatureOn(tenant.settings, flag, viewer)) return;
  throw new ApiError(
    "feature_disabled",
    `${FEATURE_FLAGS[flag]} It is not available on ${tenant.name}${viewer.profileId ? " for this account yet" : ""}.`,
  );
}

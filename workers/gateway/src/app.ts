import { createApi } from "@fun/http";
import type { GatewayEnv } from "./context";
import { registerAccounts } from "./features/accounts";
import { registerBrandAuth } from "./features/brand-auth/brandAuth.routes";
import { registerContentAssets } from "./features/content/assets.route";
import { registerContent } from "./features/content/content.routes";
import { registerLikes } from "./features/content/likes.routes";
import { registerPublishing } from "./features/content/publishing.routes";
import { registerDocs } from "./features/docs/docs.routes";
import { registerListEventSchemas } from "./features/events/listEventSchemas.route";
import { registerValidateEvent } from "./features/events/validateEvent.route";
import { registerFanLists } from "./features/fan-lists/fanLists.routes";
import { registerGetFeed } from "./features/feed/getFeed.route";
import { registerHashLists } from "./features/hashlists/hashlists.routes";
import { registerGetHealth } from "./features/health/getHealth.route";
import { registerJwks } from "./features/identity/jwks.route";
import { registerRotateKeys } from "./features/identity/rotateKeys.route";
import { registerGetMe } from "./features/me/getMe.route";
import { registerPatchMe } from "./features/me/patchMe.route";
import { registerAbortUpload } from "./features/media/abortUpload.route";
import { registerApplyWatermark } from "./features/media/applyWatermark.route";
import { registerCompleteIngest } from "./features/media/completeIngest.route";
import { registerGetFingerprint } from "./features/media/getFingerprint.route";
import { registerGetUpload } from "./features/media/getUpload.route";
import { registerInitIngest } from "./features/media/initIngest.route";
import { registerReviewPreview } from "./features/media/reviewPreview.route";
import { registerScanAsset } from "./features/media/scanAsset.route";
import { registerSignedUrl } from "./features/media/signedUrl.route";
import { registerTakedown } from "./features/media/takedown.route";
import { MAX_TRACE_BYTES, registerTraceImage, TRACE_PATH } from "./features/media/traceImage.route";
import { registerModeration } from "./features/moderation/moderation.routes";
import { registerNotifications } from "./features/notifications/notifications.routes";
import { registerAuthorize } from "./features/oauth/authorize.route";
import { registerDiscovery } from "./features/oauth/discovery.route";
import { registerLogout } from "./features/oauth/logout.route";
import { registerRevocation } from "./features/oauth/revocation.route";
import { registerToken } from "./features/oauth/token.route";
import { registerUserinfo } from "./features/oauth/userinfo.route";
import { registerPasskeys } from "./features/passkeys/passkeys.routes";
import { registerPasskeysPage } from "./features/passkeys/passkeysPage.route";
import { registerCommerce } from "./features/payments/commerce.routes";
import { registerProfiles } from "./features/profiles/profiles.routes";
import { registerSocial } from "./features/profiles/social.routes";
import { registerSearch } from "./features/search/search.route";
import { registerSessions } from "./features/sessions/sessions.routes";
import { registerGetCurrentTenant } from "./features/tenants/getCurrentTenant.route";
import { registerUpstream } from "./features/upstream/upstream.routes";
import { registerVaultKeys } from "./features/vault/vaultKeys.routes";
import { registerWebhooks } from "./features/webhooks/webhooks.routes";
import { resolveHost } from "./middleware/resolve-host";

/**
 * Builds the gateway app: the one factory used by the deployed worker and by the tests.
 * `extraRoutes` lets a test mount its own route on the real pipeline (host resolution, services,
 * outbox relay, problem handling).
 */
export function createGatewayApp(
  options: { extraRoutes?: (app: ReturnType<typeof createApi<GatewayEnv>>) => void } = {},
) {
  const app = createApi<GatewayEnv>({
    service: "gateway",
    beforeRouting: [resolveHost],
    maxBodyBytesFor: (path) => (path === TRACE_PATH ? MAX_TRACE_BYTES : undefined),
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "An ES256 access token from the auth host, issued for this brand.",
  });
  registerGetHealth(app);
  registerGetCurrentTenant(app);
  registerListEventSchemas(app);
  registerValidateEvent(app);
  registerJwks(app);
  registerRotateKeys(app);
  registerGetMe(app);
  registerPatchMe(app);
  registerDiscovery(app);
  registerAuthorize(app);
  registerToken(app);
  registerAccounts(app);
  registerUserinfo(app);
  registerRevocation(app);
  registerLogout(app);
  registerPasskeys(app);
  registerPasskeysPage(app);
  registerUpstream(app);
  registerBrandAuth(app);
  registerSessions(app);
  registerProfiles(app);
  registerSocial(app);
  registerContent(app);
  registerPublishing(app);
  registerLikes(app);
  registerContentAssets(app);
  registerGetFeed(app);
  registerNotifications(app);
  registerSearch(app);
  registerFanLists(app);
  registerGetFingerprint(app);
  registerInitIngest(app);
  registerCompleteIngest(app);
  registerGetUpload(app);
  registerAbortUpload(app);
  registerScanAsset(app);
  registerTraceImage(app);
  registerApplyWatermark(app);
  registerTakedown(app);
  registerReviewPreview(app);
  registerSignedUrl(app);
  registerVaultKeys(app);
  registerHashLists(app);
  registerModeration(app);
  registerWebhooks(app);
  registerCommerce(app);
  options.extraRoutes?.(app);
  registerDocs(app);
  return app;
}

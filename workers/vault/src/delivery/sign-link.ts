import { err, ok, type Result } from "@fun/core";
import { createCoreDb } from "@fun/db";
import { signMediaToken } from "./media-token";
import { mediaTokenKeys } from "./token-keys";
import { decideDelivery, type MediaRequest } from "./viewer-access";

export type MediaLinkRequest = MediaRequest;

export type MediaLinkError = "unavailable" | "revoked" | "not_entitled" | "no_variant";

/**
 * A signed link (path and query on the brand's media host) for a viewer who may receive the
 * rendition right now, by the same decision the delivery path takes again on every request.
 */
export async function signMediaLink(
  env: VaultEnv,
  request: MediaLinkRequest,
): Promise<Result<{ path: string; expiresAt: number }, MediaLinkError>> {
  const { access, object } = await decideDelivery(createCoreDb(env.DB), request);
  if (access !== "allowed") return err(access);
  if (!object) return err("no_variant");
  const { token, expiresAt } = await signMediaToken(mediaTokenKeys(env), {
    a: request.assetId,
    v: request.variant,
    t: request.tenantId,
    p: request.viewerProfileId,
    ...(request.copyId ? { c: request.copyId } : {}),
  });
  return ok({
    path: `/v1/media/${request.assetId}/${request.variant}?token=${encodeURIComponent(token)}`,
    expiresAt,
  });
}

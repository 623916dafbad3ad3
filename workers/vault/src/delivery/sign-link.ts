import { err, ok, type Result } from "@fun/core";
import { createCoreDb } from "@fun/db";
import { signMediaToken } from "./media-token";
import { storedVariant } from "./stored-variant";
import { mediaTokenKeys } from "./token-keys";
import { viewerAccess } from "./viewer-access";

export interface MediaLinkRequest {
  assetId: string;
  variant: string;
  tenantId: string;
  viewerProfileId: string | null;
}

export type MediaLinkError = "unavailable" | "not_entitled" | "no_variant";

/**
 * A signed link (path and query on the brand's media host) for a viewer who may receive the
 * variant right now, by the same rules the delivery path checks again on every request.
 */
export async function signMediaLink(
  env: VaultEnv,
  request: MediaLinkRequest,
): Promise<Result<{ path: string; expiresAt: number }, MediaLinkError>> {
  const access = await viewerAccess(createCoreDb(env.DB), request);
  if (access !== "allowed") return err(access);
  if (!(await storedVariant(env, request.assetId, request.tenantId, request.variant)))
    return err("no_variant");
  const { token, expiresAt } = await signMediaToken(mediaTokenKeys(env), {
    a: request.assetId,
    v: request.variant,
    t: request.tenantId,
    p: request.viewerProfileId,
  });
  return ok({
    path: `/v1/media/${request.assetId}/${request.variant}?token=${encodeURIComponent(token)}`,
    expiresAt,
  });
}

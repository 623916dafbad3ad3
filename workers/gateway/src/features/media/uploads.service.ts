import { ApiError, type FieldError, validationFailed } from "@fun/http";
import { authorize, loadPrincipal } from "@fun/policy";
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { findContent } from "../content/content.repo";
import { livesOn } from "../content/visibility";
import { assetFor } from "./media-access";
import { uploadOrigin } from "./upload-origin";
import type { DeclaredFileSchema } from "./uploads.schema";

type DeclaredFile = z.infer<typeof DeclaredFileSchema>;
type UploadProblem = { code: string; detail?: string; errors?: { path: string; message: string }[] };

/** The media worker's answer for an expected failure, as a problem for the client. */
export function uploadProblem(error: UploadProblem): ApiError {
  switch (error.code) {
    case "validation_failed": {
      const errors: FieldError[] = (error.errors ?? []).map((e) => ({ location: "body", ...e }));
      return validationFailed("request body", errors);
    }
    case "conflict":
      return new ApiError("conflict", error.detail ?? "The upload is not in a state that allows this.");
    case "unprocessable_content":
      return new ApiError("unprocessable_content", error.detail ?? "The uploaded file was refused.");
    default:
      return new ApiError("not_found", error.detail ?? "No such asset.");
  }
}

/** The request's brand; uploads are started on a brand's host. */
function brandOf(c: Context<GatewayEnv>) {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Uploads start on a brand's host.");
  return host.tenant;
}

/**
 * Who the files will belong to. To a post: only its creator may upload (its brand's staff may not
 * upload as the creator); someone who cannot see the post learns nothing about it. Standalone: any
 * caller with a profile holding `media:upload` on this brand.
 */
async function uploaderFor(c: Context<GatewayEnv>, contentId: string | null): Promise<string> {
  const db = c.get("services").db;
  const tenant = brandOf(c);
  const principal = await loadPrincipal(db, c.get("auth").claims.subject);
  const context = { tenantId: tenant.id };
  if (contentId === null) {
    if (!principal.profileId) throw new ApiError("forbidden", "Create a profile before uploading.");
    const resource = {
      kind: "asset" as const,
      id: "new",
      creatorProfileId: principal.profileId,
      tenantIds: [tenant.id],
    };
    if (!authorize(principal, "asset:upload", resource, context).allowed)
      throw new ApiError("forbidden", "Uploading needs the media:upload permission on this brand.");
    return principal.profileId;
  }
  const found = await findContent(db, contentId);
  if (!found) throw new ApiError("not_found", "No such post.");
  const tenantIds = [found.row.canonicalTenantId, ...found.publications.map((p) => p.tenantId)];
  const post = { id: found.row.id, creatorProfileId: found.row.creatorProfileId, tenantIds };
  if (authorize(principal, "asset:upload", { kind: "asset", ...post }, context).allowed)
    return post.creatorProfileId;
  const insider = authorize(principal, "content:read-private", { kind: "content", ...post }, context).allowed;
  if (!insider && !livesOn(found.publications, tenant.id)) throw new ApiError("not_found", "No such post.");
  throw new ApiError("forbidden", "Only the post's creator may upload media to it.");
}

/** `ingest:init` and `POST /v1/content/{id}/assets`: checks the uploader, then the media worker plans and signs. */
export async function startUploads(c: Context<GatewayEnv>, contentId: string | null, files: DeclaredFile[]) {
  const ownerProfileId = await uploaderFor(c, contentId);
  const started = await c.env.MEDIA.initUpload({
    tenantId: brandOf(c).id,
    ownerProfileId,
    contentId,
    files: files.map((file) => ({
      mime: file.mime,
      bytes: file.bytes,
      sha256: file.sha256 ?? null,
      partSize: file.partSize ?? null,
    })),
    uploadOrigin: uploadOrigin(c),
    clientOrigin: c.req.header("origin") ?? null,
  });
  if (!started.ok) throw uploadProblem(started.error);
  c.header("Cache-Control", "private, no-store");
  return started.value;
}

/** An asset the caller may upload to (its uploader): anyone else, staff included, gets 404. */
export async function ownUpload(c: Context<GatewayEnv>, assetId: string) {
  const { asset } = await assetFor(c, assetId, "asset:upload");
  return { assetId: asset.id, ownerProfileId: asset.ownerProfileId };
}

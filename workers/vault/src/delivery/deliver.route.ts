import { createCoreDb, MEDIA_VARIANT_KINDS } from "@fun/db";
import { type ApiEnv, ApiError } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { readObject, type VaultObjectRow } from "../objects/vault-objects";
import { contentRange, parseRange } from "./byte-range";
import { geoBlocked, viewerCountry } from "./geo";
import { mediaHostTenant } from "./media-host";
import { verifyMediaToken } from "./media-token";
import { storedVariant } from "./stored-variant";
import { mediaTokenKeys } from "./token-keys";
import { viewerAccess } from "./viewer-access";

type VaultApiEnv = ApiEnv<VaultEnv>;

const ASSET_ID = /^ast_[0-9A-HJKMNP-TV-Z]{26}$/;
const VARIANTS: readonly string[] = MEDIA_VARIANT_KINDS;

const TOKEN_PROBLEMS: Record<string, string> = {
  malformed: "This media link is not valid.",
  unknown_key: "This media link was signed with a key no longer accepted; ask for a new link.",
  bad_signature: "This media link is not valid.",
  expired: "This media link has expired; ask for a new link.",
  wrong_asset: "This media link is for another file.",
  wrong_variant: "This media link is for another rendition of the file.",
  wrong_tenant: "This media link is for another brand's media host.",
};

/** RFC 9110 §13: If-None-Match wins over If-Modified-Since; either may make the answer a 304. */
function notModified(c: Context<VaultApiEnv>, etag: string, lastModified: number): boolean {
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch !== undefined)
    return (
      ifNoneMatch.trim() === "*" ||
      ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)
    );
  const since = Date.parse(c.req.header("if-modified-since") ?? "");
  return Number.isFinite(since) && Math.floor(lastModified / 1000) * 1000 <= since;
}

function headersFor(object: VaultObjectRow, etag: string): Headers {
  return new Headers({
    "content-type": object.contentType,
    etag,
    // When the body was stored: a key rotation rewrites the row, never the bytes.
    "last-modified": new Date(object.createdAt).toUTCString(),
    "accept-ranges": "bytes",
    // Links are per viewer and short-lived: browsers may keep the bytes, shared caches never.
    "cache-control": "private, max-age=300",
    "x-content-type-options": "nosniff",
  });
}

/**
 * `GET /v1/media/{assetId}/{variant}?token=…` on a brand's media host: the token (signature, expiry,
 * asset, variant and this host's brand), then the current state (blocked, published here, viewer
 * entitled), then the brand's geo rules, then the decrypted bytes, streamed, with Range and
 * conditional requests. HEAD answers the same headers without a body.
 */
export function registerDelivery(app: OpenAPIHono<VaultApiEnv>) {
  app.get("/v1/media/:assetId/:variant", async (c) => {
    const tenant = await mediaHostTenant(c.env, c.req.header("host") ?? new URL(c.req.url).host);
    if (!tenant) throw new ApiError("unknown_host", "This is not a brand's media host.");
    const { assetId, variant } = c.req.param();
    if (!ASSET_ID.test(assetId) || !VARIANTS.includes(variant))
      throw new ApiError("not_found", "No such media.");
    const token = c.req.query("token");
    if (!token) throw new ApiError("unauthenticated", "Media is served through signed links only.");
    const verified = await verifyMediaToken(mediaTokenKeys(c.env), token, {
      assetId,
      variant,
      tenantId: tenant.id,
    });
    if (!verified.ok) {
      c.get("logFields").reason = verified.error;
      throw new ApiError("forbidden", TOKEN_PROBLEMS[verified.error] ?? "This media link is not valid.");
    }
    const access = await viewerAccess(createCoreDb(c.env.DB), {
      assetId,
      variant,
      tenantId: tenant.id,
      viewerProfileId: verified.value.p,
    });
    if (access === "unavailable") throw new ApiError("not_found", "This media is not available.");
    if (access === "not_entitled")
      throw new ApiError("forbidden", "This media is for subscribers or buyers of the post only.");
    if (geoBlocked(tenant, viewerCountry(c.req.raw, c.env)))
      throw new ApiError(
        "unavailable_for_legal_reasons",
        "This brand's media is not available in your country.",
      );

    const object = await storedVariant(c.env, assetId, tenant.id, variant);
    if (!object) throw new ApiError("not_found", "This rendition has not been made yet.");
    const etag = `"${object.sha256}"`;
    const headers = headersFor(object, etag);
    if (notModified(c, etag, object.createdAt)) return new Response(null, { status: 304, headers });

    const range = parseRange(c.req.header("range"), object.plainSize);
    if (range.kind === "unsatisfiable") {
      throw new ApiError("range_not_satisfiable", `The file is ${object.plainSize} bytes long.`, {
        headers: { "content-range": contentRange(null, object.plainSize) },
      });
    }
    const isHead = c.req.method === "HEAD";
    if (range.kind === "range") {
      headers.set("content-range", contentRange(range, object.plainSize));
      headers.set("content-length", String(range.end - range.start + 1));
      return new Response(isHead ? null : await readObject(c.env, object, range), { status: 206, headers });
    }
    headers.set("content-length", String(object.plainSize));
    return new Response(isHead || object.plainSize === 0 ? null : await readObject(c.env, object), {
      status: 200,
      headers,
    });
  });
}

import { createCoreDb, MEDIA_VARIANT_KINDS } from "@fun/db";
import { type ApiEnv, ApiError } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { findObject, readObject, type VaultObjectRow } from "../objects/vault-objects";
import { contentRange, parseRange } from "./byte-range";
import { geoBlocked, viewerCountry } from "./geo";
import {
  HLS_CONTENT_TYPES,
  HLS_FILE,
  MAX_PLAYLIST_BYTES,
  playlistSeconds,
  rewritePlaylist,
} from "./hls-manifest";
import { mediaHostTenant } from "./media-host";
import {
  DEFAULT_TOKEN_TTL_SECONDS,
  type MediaTokenClaims,
  signMediaToken,
  verifyMediaToken,
} from "./media-token";
import { mediaTokenKeys } from "./token-keys";
import { decideDelivery } from "./viewer-access";

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
 * The checks every request on a media host passes, in order: the token (signature, expiry, asset,
 * what it is for, and this host's brand), then the current state (revoked by a takedown, blocked,
 * published here, viewer entitled), then the brand's geo rules. Answers the stored rendition the
 * decision picked (the viewer's own copy first).
 */
async function checkRequest(c: Context<VaultApiEnv>, assetId: string, tokenFor: string, kind: string) {
  const tenant = await mediaHostTenant(c.env, c.req.header("host") ?? new URL(c.req.url).host);
  if (!tenant) throw new ApiError("unknown_host", "This is not a brand's media host.");
  const token = c.req.query("token");
  if (!token) throw new ApiError("unauthenticated", "Media is served through signed links only.");
  const verified = await verifyMediaToken(mediaTokenKeys(c.env), token, {
    assetId,
    variant: tokenFor,
    tenantId: tenant.id,
  });
  if (!verified.ok) {
    c.get("logFields").reason = verified.error;
    throw new ApiError("forbidden", TOKEN_PROBLEMS[verified.error] ?? "This media link is not valid.");
  }
  const claims = verified.value;
  const { access, object } = await decideDelivery(createCoreDb(c.env.DB), {
    assetId,
    variant: kind,
    tenantId: tenant.id,
    viewerProfileId: claims.p,
    copyId: claims.c ?? null,
  });
  if (access === "revoked") throw new ApiError("gone", "This media was taken down.");
  if (access === "unavailable") throw new ApiError("not_found", "This media is not available.");
  if (access === "not_entitled")
    throw new ApiError("forbidden", "This media is for subscribers or buyers of the post only.");
  if (geoBlocked(tenant, viewerCountry(c.req.raw, c.env)))
    throw new ApiError(
      "unavailable_for_legal_reasons",
      "This brand's media is not available in your country.",
    );
  if (!object) throw new ApiError("not_found", "This rendition has not been made yet.");
  return { tenant, claims, object };
}

/** The decrypted bytes, streamed, with validators, conditional requests and single ranges. */
async function serveObject(c: Context<VaultApiEnv>, object: VaultObjectRow): Promise<Response> {
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
}

/** A playlist's links live as long as it plays, plus the usual five minutes; at most six hours. */
const playlistLinkSeconds = (text: string) =>
  Math.min(6 * 3600, Math.ceil(playlistSeconds(text)) + DEFAULT_TOKEN_TTL_SECONDS);

/**
 * An HLS playlist with each file it names signed for the same viewer (and copy), bound to that one
 * file. Never cached: the links inside are per viewer.
 */
async function servePlaylist(
  c: Context<VaultApiEnv>,
  object: VaultObjectRow,
  grant: { assetId: string; tenantId: string; claims: MediaTokenClaims },
): Promise<Response> {
  if (object.plainSize > MAX_PLAYLIST_BYTES)
    throw new Error(`the playlist ${object.storageKey} is too large to rewrite`);
  const text = await new Response(await readObject(c.env, object)).text();
  const ttlSeconds = playlistLinkSeconds(text);
  const keys = mediaTokenKeys(c.env);
  const { claims } = grant;
  const rewritten = await rewritePlaylist(text, async (file) => {
    const { token } = await signMediaToken(
      keys,
      {
        a: grant.assetId,
        v: `hls/${file}`,
        t: grant.tenantId,
        p: claims.p,
        ...(claims.c ? { c: claims.c } : {}),
      },
      { ttlSeconds },
    );
    return `/v1/media/${grant.assetId}/hls/${file}?token=${encodeURIComponent(token)}`;
  });
  return new Response(c.req.method === "HEAD" ? null : rewritten, {
    status: 200,
    headers: {
      "content-type": "application/vnd.apple.mpegurl",
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

const isPlaylist = (object: VaultObjectRow) => HLS_CONTENT_TYPES.has(object.contentType.toLowerCase());

/** A file of an HLS rendition: beside its master playlist, under the same folder. */
async function hlsFile(c: Context<VaultApiEnv>, manifest: VaultObjectRow, file: string) {
  const folder = manifest.storageKey.slice(0, manifest.storageKey.lastIndexOf("/") + 1);
  const object = await findObject(c.env, `${folder}${file}`);
  if (!object || object.tenantId !== manifest.tenantId)
    throw new ApiError("not_found", "No such file in this rendition.");
  return object;
}

/**
 * `GET /v1/media/{assetId}/{variant}?token=…` on a brand's media host, and the files of an HLS
 * rendition at `/v1/media/{assetId}/hls/{file}?token=…` (each link made by the playlist that names
 * it). HEAD answers the same headers without a body.
 */
export function registerDelivery(app: OpenAPIHono<VaultApiEnv>) {
  app.get("/v1/media/:assetId/hls/:file", async (c) => {
    const { assetId, file } = c.req.param();
    if (!ASSET_ID.test(assetId) || !HLS_FILE.test(file)) throw new ApiError("not_found", "No such media.");
    const { tenant, claims, object: manifest } = await checkRequest(c, assetId, `hls/${file}`, "hls");
    const object = await hlsFile(c, manifest, file);
    if (isPlaylist(object)) return servePlaylist(c, object, { assetId, tenantId: tenant.id, claims });
    return serveObject(c, object);
  });

  app.get("/v1/media/:assetId/:variant", async (c) => {
    const { assetId, variant } = c.req.param();
    if (!ASSET_ID.test(assetId) || !VARIANTS.includes(variant))
      throw new ApiError("not_found", "No such media.");
    const { tenant, claims, object } = await checkRequest(c, assetId, variant, variant);
    if (variant === "hls" && isPlaylist(object))
      return servePlaylist(c, object, { assetId, tenantId: tenant.id, claims });
    return serveObject(c, object);
  });
}

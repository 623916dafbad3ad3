import { env } from "cloudflare:workers";
import { newId } from "@fun/core";
import { SEED } from "@fun/db/seed";
import { callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { storeObject } from "../objects/vault-objects";
import { PlaylistError, playlistSeconds, rewritePlaylist } from "./hls-manifest";
import { signMediaToken } from "./media-token";
import { mediaTokenKeys } from "./token-keys";

const GIRLFANZ = SEED.tenants.girlfanz.id;
const creator = SEED.profiles.creator.id;
const fan = SEED.profiles.fan.id;
const PLAYLIST = "application/vnd.apple.mpegurl";

const MASTER = `#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720
720p.m3u8
`;
const MEDIA = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:6
#EXT-X-MAP:URI="init.mp4"
#EXTINF:6.0,
seg0.m4s
#EXTINF:4.5,
seg1.m4s
#EXT-X-ENDLIST
`;

const store = (storageKey: string, contentType: string, bytes: Uint8Array) =>
  storeObject(env, {
    storageKey,
    tenantId: GIRLFANZ,
    contentType,
    plainSize: bytes.length,
    body: new Blob([bytes]).stream(),
  });

/** A subscribers-only video post on girlfanz whose HLS rendition the vault holds. */
async function hlsPost() {
  const now = Date.now();
  const contentId = newId("content", now);
  const assetId = newId("mediaAsset", now);
  const folder = `vault/renditions/${assetId}/${GIRLFANZ}/hls/`;
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) VALUES (?, ?, ?, 'Clip', 'subscribers', ?, ?)",
    ).bind(contentId, creator, GIRLFANZ, now, now),
    env.DB.prepare(
      "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
    ).bind(newId("contentTenant", now), contentId, GIRLFANZ, now, now, now),
    env.DB.prepare(
      "INSERT INTO media_asset (id, content_id, owner_profile_id, tenant_id, storage_key, mime, bytes, upload_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'video/mp4', 1, 'stored', ?, ?)",
    ).bind(assetId, contentId, creator, GIRLFANZ, `originals/${assetId}`, now, now),
    env.DB.prepare(
      "INSERT INTO media_variant (id, asset_id, tenant_id, kind, storage_key, created_at) VALUES (?, ?, ?, 'hls', ?, ?)",
    ).bind(newId("mediaVariant", now), assetId, GIRLFANZ, `${folder}master.m3u8`, now),
  ]);
  const encode = (text: string) => new TextEncoder().encode(text);
  const segments = {
    "init.mp4": crypto.getRandomValues(new Uint8Array(300)),
    "seg0.m4s": crypto.getRandomValues(new Uint8Array(5000)),
    "seg1.m4s": crypto.getRandomValues(new Uint8Array(4000)),
  };
  await store(`${folder}master.m3u8`, PLAYLIST, encode(MASTER));
  await store(`${folder}720p.m3u8`, PLAYLIST, encode(MEDIA));
  for (const [name, bytes] of Object.entries(segments))
    await store(`${folder}${name}`, "video/iso.segment", bytes);
  return { assetId, segments };
}

async function link(assetId: string, viewer: string | null, variant = "hls") {
  const { token } = await signMediaToken(mediaTokenKeys(env), {
    a: assetId,
    v: variant,
    t: GIRLFANZ,
    p: viewer,
  });
  return `/v1/media/${assetId}/${variant}?token=${encodeURIComponent(token)}`;
}

const get = (path: string) => callWorker(path, { host: "media.girlfanz.localhost" });
const uris = (playlist: string) =>
  playlist
    .split("\n")
    .flatMap((line) =>
      line.startsWith("#") ? [...line.matchAll(/URI="([^"]*)"/g)].map((m) => m[1] ?? "") : line ? [line] : [],
    );

describe("HLS through the delivery path", () => {
  it("rewrites every playlist so each segment carries its own token, and serves the segments", async () => {
    const { assetId, segments } = await hlsPost();
    const master = await get(await link(assetId, creator));
    expect(master.status).toBe(200);
    expect(master.headers.get("content-type")).toBe(PLAYLIST);
    expect(master.headers.get("cache-control")).toBe("private, no-store");
    const [variantUrl] = uris(await master.text());
    expect(variantUrl).toMatch(new RegExp(`^/v1/media/${assetId}/hls/720p\\.m3u8\\?token=`));

    const media = await get(variantUrl ?? "");
    expect(media.status).toBe(200);
    const files = uris(await media.text());
    expect(files.map((u) => u.split("?")[0])).toEqual([
      `/v1/media/${assetId}/hls/init.mp4`,
      `/v1/media/${assetId}/hls/seg0.m4s`,
      `/v1/media/${assetId}/hls/seg1.m4s`,
    ]);
    for (const [index, name] of ["init.mp4", "seg0.m4s", "seg1.m4s"].entries()) {
      const served = await get(files[index] ?? "");
      expect(served.status).toBe(200);
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(segments[name as keyof typeof segments]);
    }
    // A segment's token opens that segment only.
    const seg0Token = files[1]?.split("?")[1] ?? "";
    await expectProblem(await get(`/v1/media/${assetId}/hls/seg1.m4s?${seg0Token}`), 403, "forbidden");
    // Segments get the same entitlement checks: a fan without a subscription is refused.
    await expectProblem(await get(await link(assetId, fan)), 403, "forbidden");
    const { token } = await signMediaToken(mediaTokenKeys(env), {
      a: assetId,
      v: "hls/seg0.m4s",
      t: GIRLFANZ,
      p: fan,
    });
    await expectProblem(
      await get(`/v1/media/${assetId}/hls/seg0.m4s?token=${encodeURIComponent(token)}`),
      403,
      "forbidden",
    );
    // And a takedown revokes segment links already handed out.
    await env.DB.prepare(
      "INSERT INTO media_takedown (id, asset_id, actor, reason, created_at) VALUES (?, ?, 'staff', 'x', ?)",
    )
      .bind(newId("mediaTakedown"), assetId, Date.now())
      .run();
    await expectProblem(await get(files[2] ?? ""), 410, "gone");
  });

  it("refuses file names that leave the rendition's folder", async () => {
    const { assetId } = await hlsPost();
    const { token } = await signMediaToken(mediaTokenKeys(env), {
      a: assetId,
      v: "hls/..",
      t: GIRLFANZ,
      p: creator,
    });
    await expectProblem(
      await get(`/v1/media/${assetId}/hls/..?token=${encodeURIComponent(token)}`),
      404,
      "not_found",
    );
    // A file the rendition does not have.
    await expectProblem(await get(await link(assetId, creator, "hls/missing.ts")), 404, "not_found");
  });
});

describe("playlist rewriting", () => {
  it("signs every URI, tag attributes included, and sums the playing time", async () => {
    const rewritten = await rewritePlaylist(MEDIA, async (file) => `signed:${file}`);
    expect(uris(rewritten)).toEqual(["signed:init.mp4", "signed:seg0.m4s", "signed:seg1.m4s"]);
    expect(rewritten).toContain("#EXT-X-TARGETDURATION:6");
    expect(playlistSeconds(MEDIA)).toBe(10.5);
  });

  it("refuses playlists that point elsewhere", async () => {
    await expect(rewritePlaylist("#EXTM3U\nhttps://evil.example/seg.ts\n", async (f) => f)).rejects.toThrow(
      PlaylistError,
    );
    await expect(rewritePlaylist("#EXTM3U\n../other/seg.ts\n", async (f) => f)).rejects.toThrow(
      PlaylistError,
    );
    await expect(rewritePlaylist("not a playlist", async (f) => f)).rejects.toThrow(PlaylistError);
  });
});

/**
 * HLS playlists served through the delivery path: every URI a playlist names (segments, variant
 * playlists, init sections, keys) is rewritten to the media host with its own signed token, so no
 * URL a player receives works without one and each works for one file only.
 */

/** Files beside a playlist: plain names only, never a path out of the asset's folder. */
export const HLS_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const HLS_CONTENT_TYPES = new Set([
  "application/vnd.apple.mpegurl",
  "application/x-mpegurl",
  "audio/mpegurl",
]);

/** The largest playlist the path rewrites (a day of 2-second segments is about 4 MiB). */
export const MAX_PLAYLIST_BYTES = 8 * 1024 * 1024;

/** Seconds a playlist plays: the sum of its `#EXTINF` durations (0 for a master playlist). */
export function playlistSeconds(text: string): number {
  let total = 0;
  for (const match of text.matchAll(/^#EXTINF:([0-9.]+)/gm)) total += Number(match[1]) || 0;
  return total;
}

/**
 * The playlist with every URI replaced by `sign(name)`. URIs are the non-tag lines and the `URI="…"`
 * attributes of tags (`#EXT-X-KEY`, `#EXT-X-MAP`, `#EXT-X-MEDIA`, …). A URI that is not a plain file
 * name beside the playlist (absolute, or a path) is refused: a stored playlist must not send players
 * elsewhere unsigned.
 */
export async function rewritePlaylist(
  text: string,
  sign: (file: string) => Promise<string>,
): Promise<string> {
  if (!text.startsWith("#EXTM3U")) throw new PlaylistError("the stored playlist does not start with #EXTM3U");
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "") {
      out.push(line);
    } else if (trimmed.startsWith("#")) {
      const uris = [...trimmed.matchAll(/URI="([^"]*)"/g)];
      let rewritten = trimmed;
      for (const [attribute, uri = ""] of uris)
        rewritten = rewritten.replace(attribute, `URI="${await sign(fileOf(uri))}"`);
      out.push(rewritten);
    } else {
      out.push(await sign(fileOf(trimmed)));
    }
  }
  return out.join("\n");
}

function fileOf(uri: string): string {
  if (!HLS_FILE.test(uri))
    throw new PlaylistError(`the stored playlist names ${JSON.stringify(uri)}, not a file beside it`);
  return uri;
}

export class PlaylistError extends Error {}

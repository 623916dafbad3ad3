import { z } from "zod";
import type { MediaTokenKeys } from "./media-token";

const KeysSchema = z.object({
  current: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  keys: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), z.string().min(32)),
});

let parsed: { text: string; keys: MediaTokenKeys } | undefined;

/**
 * The media URL signing keys from `MEDIA_TOKEN_KEYS` (JSON `{"current":"<kid>","keys":{"<kid>":"<secret>"}}`):
 * new tokens use `current`; every listed key is still accepted, so a key is rotated by adding the new
 * one as current and dropping the old once its tokens have expired.
 */
export function mediaTokenKeys(env: Pick<VaultEnv, "MEDIA_TOKEN_KEYS">): MediaTokenKeys {
  if (parsed?.text !== env.MEDIA_TOKEN_KEYS) {
    const keys = KeysSchema.parse(JSON.parse(env.MEDIA_TOKEN_KEYS));
    if (!keys.keys[keys.current]) throw new Error("MEDIA_TOKEN_KEYS names a current key it does not hold");
    parsed = { text: env.MEDIA_TOKEN_KEYS, keys };
  }
  return parsed.keys;
}

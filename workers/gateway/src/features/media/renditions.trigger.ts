import type { CloudEvent } from "@fun/events";

/** Events after which a post's pictures need renditions on the brands it is now live on. */
const PUBLISHING_EVENTS = new Set(["fun.content.published", "fun.content.crossposted"]);

/**
 * Asks the media worker for a post's renditions when it is published or cross-posted. Safe to repeat
 * (renditions already made are skipped), so it runs after a redelivered event too.
 */
export async function requestRenditionsFor(env: Env, event: CloudEvent): Promise<void> {
  if (!PUBLISHING_EVENTS.has(event.type)) return;
  const contentId = (event.data as { contentId?: unknown }).contentId;
  if (typeof contentId === "string") await env.MEDIA.requestRenditions({ contentId });
}

import type { CloudEvent, EventData, EventProjection } from "@fun/events";
import {
  insertCrosspostDone,
  insertNewFollower,
  insertNewPost,
  type NotificationOrigin,
} from "./notifications.repo";

/** The event types that make notifications. */
const NOTIFYING = new Set(["fun.profile.followed", "fun.content.published", "fun.content.crossposted"]);

/**
 * Fills the in-app inbox from events, exactly once per event (the receipt is in the same batch):
 * - `fun.profile.followed`: `new_follower` to the followee, on the brand it happened on;
 * - `fun.content.published`: `new_post` to the creator's followers on that brand;
 * - `fun.content.crossposted`: `crosspost_done` to the creator on the brand it came from, and
 *   `new_post` to the creator's followers on each brand it went to.
 * Events carry brand slugs; the inserts map them to tenant ids. Who is notified is read from the
 * database when the event is applied (follows, blocks, presence and publication as they are then),
 * so a follow undone or a post taken down before then notifies nobody. The post's creator is taken
 * from the post (`data.creatorId` of `published` is that same profile id).
 */
export const notificationsInboxProjection: EventProjection = {
  consumer: "notifications.inbox",
  accepts: (event) => NOTIFYING.has(event.type),
  writes: (event, db) => {
    const origin: NotificationOrigin = { eventId: event.id, at: Date.parse(event.time) };
    switch (event.type) {
      case "fun.profile.followed": {
        const data = dataOf<"fun.profile.followed">(event);
        return [insertNewFollower(db, origin, { ...data, tenantSlug: data.tenantId })];
      }
      case "fun.content.published": {
        const data = dataOf<"fun.content.published">(event);
        return [insertNewPost(db, origin, { contentId: data.contentId, tenantSlugs: [data.tenantId] })];
      }
      case "fun.content.crossposted": {
        const data = dataOf<"fun.content.crossposted">(event);
        return [
          insertCrosspostDone(db, origin, { contentId: data.contentId, fromTenantSlug: data.fromTenant }),
          insertNewPost(db, origin, { contentId: data.contentId, tenantSlugs: data.toTenants }),
        ];
      }
      default:
        return [];
    }
  },
};

/** The consumer checked the data against the catalogue before any projection sees it. */
const dataOf = <T extends "fun.profile.followed" | "fun.content.published" | "fun.content.crossposted">(
  event: CloudEvent,
) => event.data as EventData<T>;

import { type CoreDb, profile, profileLink, profileTenant } from "@fun/db";
import { createEvent, type OutboxWriter } from "@fun/events";
import { and, asc, eq, sql } from "drizzle-orm";

const publicColumns = {
  id: profile.id,
  accountId: profile.accountId,
  handle: profile.handle,
  displayName: profile.displayName,
  bio: profile.bio,
  type: profile.type,
};

/** A profile as one brand shows it: only where its presence there is visible. */
export function findVisibleProfile(db: CoreDb, tenantId: string, where: { handle: string } | { id: string }) {
  return db
    .select(publicColumns)
    .from(profile)
    .innerJoin(
      profileTenant,
      and(
        eq(profileTenant.profileId, profile.id),
        eq(profileTenant.tenantId, tenantId),
        eq(profileTenant.isVisible, true),
      ),
    )
    .where("handle" in where ? eq(profile.handle, where.handle) : eq(profile.id, where.id))
    .get();
}

/** A profile by id whatever its presence: for its owner's own changes. */
export function findProfile(db: CoreDb, profileId: string) {
  return db.select(publicColumns).from(profile).where(eq(profile.id, profileId)).get();
}

/** Shows or hides the profile on a brand, creating its presence there if it had none. */
/** Shows or hides a profile on a brand, and tells readers (search) in the same batch. */
export async function setPresence(
  db: CoreDb,
  writer: OutboxWriter,
  presence: { id: string; profileId: string; tenantId: string; visible: boolean },
) {
  const { id, profileId, tenantId, visible } = presence;
  await db.batch([
    db
      .insert(profileTenant)
      .values({ id, profileId, tenantId, isVisible: visible, createdAt: Date.now() })
      .onConflictDoUpdate({
        target: [profileTenant.profileId, profileTenant.tenantId],
        set: { isVisible: visible },
      }),
    writer.insert(profileUpdated(profileId)),
  ]);
}

export function listLinks(db: CoreDb, profileId: string) {
  return db
    .select({
      id: profileLink.id,
      title: profileLink.title,
      url: profileLink.url,
      position: profileLink.position,
    })
    .from(profileLink)
    .where(eq(profileLink.profileId, profileId))
    .orderBy(asc(profileLink.position), asc(profileLink.id))
    .all();
}

/** Adds a link at the end of the profile's list. */
export async function addLink(
  db: CoreDb,
  link: { id: string; profileId: string; title: string; url: string },
) {
  const now = Date.now();
  const [row] = await db
    .insert(profileLink)
    .values({
      ...link,
      position: sql`(select coalesce(max(${profileLink.position}), -1) + 1 from ${profileLink} where ${profileLink.profileId} = ${link.profileId})`,
      createdAt: now,
      updatedAt: now,
    })
    .returning({
      id: profileLink.id,
      title: profileLink.title,
      url: profileLink.url,
      position: profileLink.position,
    });
  return row;
}

/**
 * Changes one of the profile's links; undefined when the profile has no such link. A new position
 * moves the link there and renumbers the others, so positions stay 0…n-1 without ties.
 */
export async function updateLink(
  db: CoreDb,
  profileId: string,
  linkId: string,
  changes: { title?: string | undefined; url?: string | undefined; position?: number | undefined },
) {
  const current = await listLinks(db, profileId);
  if (!current.some((link) => link.id === linkId)) return undefined;
  const now = Date.now();
  const { position, ...fields } = changes;
  const set = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const owned = and(eq(profileLink.id, linkId), eq(profileLink.profileId, profileId));
  const order = current.map((link) => link.id).filter((id) => id !== linkId);
  if (position !== undefined) order.splice(Math.min(position, order.length), 0, linkId);
  const renumber =
    position === undefined
      ? []
      : order.map((id, index) =>
          db
            .update(profileLink)
            .set({ position: index })
            .where(and(eq(profileLink.id, id), eq(profileLink.profileId, profileId))),
        );
  await db.batch([
    db
      .update(profileLink)
      .set({ ...set, updatedAt: now })
      .where(owned),
    ...renumber,
  ]);
  return (await listLinks(db, profileId)).find((link) => link.id === linkId);
}

export async function deleteLink(db: CoreDb, profileId: string, linkId: string): Promise<boolean> {
  const deleted = await db
    .delete(profileLink)
    .where(and(eq(profileLink.id, linkId), eq(profileLink.profileId, profileId)))
    .returning({ id: profileLink.id });
  return deleted.length > 0;
}

/** The event that tells readers of a profile (search) to refresh it. */
export function profileUpdated(profileId: string) {
  return createEvent("fun.profile.updated", { profileId }, { subject: profileId });
}

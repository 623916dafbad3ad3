import type { CoreDb } from "@fun/db";
import {
  createList,
  findListByName,
  type KnownBadKind,
  type KnownBadListRow,
} from "../known-bad/known-bad.repo";

/** The platform's takedown lists, one per hash kind, made on the first takedown. */
const TAKEDOWN_LISTS: Record<KnownBadKind, string> = {
  pdq: "Takedowns (PDQ)",
  md5: "Takedowns (MD5)",
};

export async function takedownList(db: CoreDb, kind: KnownBadKind, now: number): Promise<KnownBadListRow> {
  const name = TAKEDOWN_LISTS[kind];
  const found = await findListByName(db, name);
  if (found) return found;
  try {
    return await createList(
      db,
      { name, kind, source: "FUN Core takedowns", accountId: null, purpose: "takedown" },
      now,
    );
  } catch (error) {
    // Two first takedowns at once: the other made it (the name is unique).
    const made = await findListByName(db, name);
    if (made) return made;
    throw error;
  }
}

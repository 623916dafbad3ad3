import { err, ok, type Result } from "@fun/core";
import type { CoreDb } from "@fun/db";
import {
  addFanListMembers,
  type FanListView,
  findEligibleFans,
  findFanList,
  insertFanList,
  isUniqueViolation,
  renameFanList,
} from "./fanLists.repo";

export type FanListFailure = { kind: "not_found" } | { kind: "name_taken" };
export type AddMembersFailure =
  | { kind: "not_found" }
  /** The positions in the request of the profiles that may not be added. */
  | { kind: "ineligible"; refused: { index: number; profileId: string }[] };

/** Creates a list for the creator; its name must be new among theirs, without regard to case. */
export async function createList(
  db: CoreDb,
  creatorId: string,
  name: string,
): Promise<Result<FanListView, FanListFailure>> {
  try {
    return ok(await insertFanList(db, creatorId, name));
  } catch (error) {
    if (isUniqueViolation(error)) return err({ kind: "name_taken" });
    throw error;
  }
}

/** Renames one of the creator's lists. */
export async function renameList(
  db: CoreDb,
  creatorId: string,
  listId: string,
  name: string,
): Promise<Result<FanListView, FanListFailure>> {
  try {
    if (!(await renameFanList(db, creatorId, listId, name))) return err({ kind: "not_found" });
  } catch (error) {
    if (isUniqueViolation(error)) return err({ kind: "name_taken" });
    throw error;
  }
  const list = await findFanList(db, creatorId, listId);
  return list ? ok(list) : err({ kind: "not_found" });
}

/**
 * Adds fans to one of the creator's lists, all or nothing: every profile must follow the creator,
 * with no block either way, or none is added. Adding a member again changes nothing.
 */
export async function addMembers(
  db: CoreDb,
  creatorId: string,
  listId: string,
  profileIds: string[],
): Promise<Result<{ added: number; memberCount: number }, AddMembersFailure>> {
  const unique = [...new Set(profileIds)];
  const [list, eligible] = await Promise.all([
    findFanList(db, creatorId, listId),
    findEligibleFans(db, creatorId, unique),
  ]);
  if (!list) return err({ kind: "not_found" });
  const refused = profileIds
    .map((profileId, index) => ({ index, profileId }))
    .filter(({ profileId }) => !eligible.has(profileId));
  if (refused.length > 0) return err({ kind: "ineligible", refused });
  const outcome = await addFanListMembers(db, creatorId, listId, unique);
  return outcome ? ok(outcome) : err({ kind: "not_found" });
}

import { ApiError } from "@fun/http";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { findOwnProfile } from "../me/me.repo";
import type { FanListView } from "./fanLists.repo";
import { iso } from "./fanLists.schema";
import type { FanListFailure } from "./fanLists.service";

/** The caller's profile, which must be a creator's: only creators keep fan lists. */
export async function creatorCaller(c: Context<GatewayEnv>) {
  const db = c.get("services").db;
  const own = await findOwnProfile(db, c.get("auth").claims.subject);
  if (own?.type !== "creator") throw new ApiError("forbidden", "Only creators keep fan lists.");
  return { db, creatorId: own.id };
}

// Another creator's list is answered exactly as one that does not exist.
export const listNotFound = () => new ApiError("not_found", "No such fan list.");

/** The problem for a failed create or rename. */
export function fanListProblem(failure: FanListFailure, name: string): ApiError {
  if (failure.kind === "not_found") return listNotFound();
  return new ApiError("conflict", `You already have a fan list named "${name}".`, {
    errors: [
      { location: "body", path: "name", message: "A list of yours has this name (case does not count)." },
    ],
  });
}

export const presentList = (list: FanListView) => ({
  id: list.id,
  name: list.name,
  memberCount: list.memberCount,
  createdAt: iso(list.createdAt),
  updatedAt: iso(list.updatedAt),
});

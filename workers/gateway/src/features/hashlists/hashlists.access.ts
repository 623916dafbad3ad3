import { ApiError } from "@fun/http";
import { authorize, loadPrincipal } from "@fun/policy";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";

/**
 * Known-bad hash lists are platform-wide and sensitive: only accounts holding `hashlists:manage`
 * everywhere (trust & safety, admins) may import or read them; a brand's staff role is not enough.
 */
export async function requireHashListManager(c: Context<GatewayEnv>): Promise<{ accountId: string }> {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Hash lists are managed on a brand's host.");
  const accountId = c.get("auth").claims.subject;
  const principal = await loadPrincipal(c.get("services").db, accountId);
  if (!authorize(principal, "hashlists:manage", { kind: "platform" }, { tenantId: host.tenant.id }).allowed)
    throw new ApiError("forbidden", "Only trust & safety staff may manage known-bad hash lists.");
  return { accountId };
}

/** The problem for an import the media worker refused. */
export function importProblem(
  error:
    | { code: "invalid_list"; problem: { detail: string; lines: { line: number; text: string }[] } }
    | { code: "name_taken" }
    | { code: "unknown_list" },
): ApiError {
  switch (error.code) {
    case "name_taken":
      return new ApiError("conflict", "A hash list of that name exists: add entries to it instead.");
    case "unknown_list":
      return new ApiError("not_found", "No such hash list.");
    case "invalid_list":
      return new ApiError("validation_failed", `The list cannot be imported: ${error.problem.detail}.`, {
        errors: error.problem.lines.map(({ line, text }) => ({
          location: "body" as const,
          path: `line ${line}`,
          message: `not a hash: ${text}`,
        })),
      });
  }
}

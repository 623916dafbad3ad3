import { type CoreDb, moderationCase, safetyReport } from "@fun/db";
import { and, desc, eq, inArray, isNull, lt, or, type SQL } from "drizzle-orm";

export type CaseRow = typeof moderationCase.$inferSelect;
export type CaseState = CaseRow["state"];

/** Which cases a caller reviews: their brand's, and platform-wide ones for trust & safety. */
export interface CaseScope {
  tenantId: string;
  platformWide: boolean;
}

function inScope(scope: CaseScope): SQL | undefined {
  const brand = eq(moderationCase.tenantId, scope.tenantId);
  return scope.platformWide ? or(brand, isNull(moderationCase.tenantId)) : brand;
}

export async function casesPage(
  db: CoreDb,
  scope: CaseScope,
  options: { state?: CaseState; cursor?: { at: number; id: string }; limit: number },
): Promise<CaseRow[]> {
  const after = options.cursor;
  return db
    .select()
    .from(moderationCase)
    .where(
      and(
        inScope(scope),
        options.state ? eq(moderationCase.state, options.state) : undefined,
        after
          ? or(
              lt(moderationCase.createdAt, after.at),
              and(eq(moderationCase.createdAt, after.at), lt(moderationCase.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(moderationCase.createdAt), desc(moderationCase.id))
    .limit(options.limit);
}

export async function findCase(db: CoreDb, scope: CaseScope, caseId: string): Promise<CaseRow | undefined> {
  return db
    .select()
    .from(moderationCase)
    .where(and(eq(moderationCase.id, caseId), inScope(scope)))
    .get();
}

export async function reportsFor(db: CoreDb, caseIds: readonly string[]) {
  if (caseIds.length === 0) return [];
  return db
    .select()
    .from(safetyReport)
    .where(inArray(safetyReport.caseId, [...caseIds]));
}

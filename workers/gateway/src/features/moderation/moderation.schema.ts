import { z } from "@hono/zod-openapi";
import type { CaseRow, reportsFor } from "./moderation.repo";

export const CASE_ID = /^mod_[0-9A-HJKMNP-TV-Z]{26}$/;

export const ModerationCaseSchema = z
  .object({
    id: z.string(),
    reason: z.enum(["known_bad_match", "near_duplicate"]),
    state: z.enum(["open", "resolved", "dismissed"]),
    tenantId: z
      .string()
      .nullable()
      .openapi({ description: "Null for platform-wide cases (known-bad matches)." }),
    assetId: z.string().nullable(),
    contentId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    reports: z.array(
      z.object({
        id: z.string(),
        status: z.enum(["pending", "submitted"]),
        listId: z.string().nullable(),
        distance: z.number().int(),
        createdAt: z.string(),
      }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ModerationCase");

type ReportRow = Awaited<ReturnType<typeof reportsFor>>[number];

export function presentCase(row: CaseRow, reports: ReportRow[]): z.infer<typeof ModerationCaseSchema> {
  return {
    id: row.id,
    reason: row.reason,
    state: row.state,
    tenantId: row.tenantId,
    assetId: row.assetId,
    contentId: row.contentId,
    details: row.details,
    reports: reports
      .filter((report) => report.caseId === row.id)
      .map((report) => ({
        id: report.id,
        status: report.status,
        listId: report.listId,
        distance: report.distance,
        createdAt: new Date(report.createdAt).toISOString(),
      })),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

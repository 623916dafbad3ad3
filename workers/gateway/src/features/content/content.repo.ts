import { type CoreDb, content, contentTenantMap } from "@fun/db";
import { eq } from "drizzle-orm";

export type ContentRow = typeof content.$inferSelect;
export type Publication = {
  tenantId: string;
  status: "published" | "scheduled" | "hidden";
  publishAt: number | null;
};

export async function findContent(
  db: CoreDb,
  contentId: string,
): Promise<{ row: ContentRow; publications: Publication[] } | undefined> {
  const [rows, publications] = await db.batch([
    db.select().from(content).where(eq(content.id, contentId)),
    db
      .select({
        tenantId: contentTenantMap.tenantId,
        status: contentTenantMap.status,
        publishAt: contentTenantMap.publishAt,
      })
      .from(contentTenantMap)
      .where(eq(contentTenantMap.contentId, contentId)),
  ]);
  const row = rows[0];
  return row ? { row, publications } : undefined;
}

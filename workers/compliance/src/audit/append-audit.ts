import { toHex } from "@fun/core";
import { auditLog, createComplianceDb } from "@fun/db";
import { and, desc, eq } from "drizzle-orm";

/** One thing someone did that compliance must be able to show later. */
export interface AuditEntry {
  actorAccountId: string | null;
  tenantId: string | null;
  /** Dotted verb, e.g. `media.preview`. */
  action: string;
  subjectTable: string | null;
  subjectId: string | null;
  ip?: string | null;
  userAgent?: string | null;
  data?: Record<string, unknown> | null;
}

type AuditRow = typeof auditLog.$inferSelect;

/** JSON with object keys sorted at every level: the same row always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

/** SHA-256 (hex) over the previous row's hash and this row's canonical JSON: the chain link. */
export async function auditHash(prevHash: string | null, row: Omit<AuditRow, "id" | "hash" | "prevHash">) {
  const text = `${prevHash ?? ""}\n${canonicalJson(row)}`;
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}

/** Appends are staff actions, rarely simultaneous; each lost race costs one more read and insert. */
const ATTEMPTS = 50;

/**
 * Appends an entry to the hash-chained audit log. The insert carries its condition (the chain's head
 * is still the row it links to), so two appends at once cannot both link to the same row: the loser
 * re-reads the head and tries again. The table's triggers refuse updates and deletes, so the chain
 * only grows; `verifyAuditChain` shows any row inserted around it.
 */
export async function appendAudit(
  env: ComplianceEnv,
  entry: AuditEntry,
  now = Date.now(),
): Promise<{ id: number; hash: string }> {
  const db = createComplianceDb(env.COMPLIANCE_DB);
  const row = {
    actorAccountId: entry.actorAccountId,
    tenantId: entry.tenantId,
    action: entry.action,
    subjectTable: entry.subjectTable,
    subjectId: entry.subjectId,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    at: now,
    data: entry.data ?? null,
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const head = await db
      .select({ hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.id))
      .limit(1)
      .get();
    const prevHash = head?.hash ?? null;
    const hash = await auditHash(prevHash, row);
    const inserted = await env.COMPLIANCE_DB.prepare(
      `INSERT INTO audit_log (actor_account_id, tenant_id, action, subject_table, subject_id, ip, user_agent, at, data, prev_hash, hash)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       WHERE (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) IS ?
       RETURNING id`,
    )
      .bind(
        row.actorAccountId,
        row.tenantId,
        row.action,
        row.subjectTable,
        row.subjectId,
        row.ip,
        row.userAgent,
        row.at,
        row.data === null ? null : JSON.stringify(row.data),
        prevHash,
        hash,
        prevHash,
      )
      .first<{ id: number }>();
    if (inserted) return { id: inserted.id, hash };
    // Lost the race for the head: step aside a moment (jittered) so the losers do not collide again.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
  }
  throw new Error(`the audit log's head kept moving; gave up after ${ATTEMPTS} tries`);
}

/** Re-computes the chain from the first row: the ids of rows whose link or hash does not hold. */
export async function verifyAuditChain(env: ComplianceEnv): Promise<number[]> {
  const rows = await createComplianceDb(env.COMPLIANCE_DB).select().from(auditLog).orderBy(auditLog.id);
  const broken: number[] = [];
  let prev: string | null = null;
  for (const { id, hash, prevHash, ...row } of rows) {
    if (prevHash !== prev || (await auditHash(prevHash, row)) !== hash) broken.push(id);
    prev = hash;
  }
  return broken;
}

/** Every entry about one record, oldest first: who looked at or changed it, and when. */
export async function auditTrail(env: ComplianceEnv, subjectTable: string, subjectId: string) {
  return createComplianceDb(env.COMPLIANCE_DB)
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subjectTable, subjectTable), eq(auditLog.subjectId, subjectId)))
    .orderBy(auditLog.id);
}

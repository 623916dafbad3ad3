import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { json, oneOf, timestamp } from "./columns";

/**
 * The compliance schema (D1 `COMPLIANCE_DB`, bound only to the compliance worker). Its rows point at
 * core rows (accounts, profiles, content, tenants) by ID, but there are no foreign keys: the core
 * tables live in another database, and SQLite cannot reference across databases. The compliance
 * service checks those IDs through core before writing. `audit_log` and `record_2257` are
 * append-only: triggers in the `append_only` migration refuse UPDATE and DELETE.
 */

export const CHECK_TYPES = ["KYC", "Age", "KYB"] as const;
export const VERIFICATION_STATUSES = ["pending", "verified", "rejected", "expired"] as const;

export const identityVerification = sqliteTable(
  "identity_verification",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    vendor: text("vendor").notNull(),
    /** The vendor's own reference for this check, used to match its webhooks. */
    vendorRef: text("vendor_ref"),
    status: text("status", { enum: VERIFICATION_STATUSES }).notNull().default("pending"),
    checkType: text("check_type", { enum: CHECK_TYPES }).notNull(),
    /** The vendor's verdict, tokenized: never raw ID images or document numbers. */
    result: json<Record<string, unknown>>("result"),
    startedAt: timestamp("started_at").notNull(),
    completedAt: timestamp("completed_at"),
  },
  (t) => [
    check("identity_verification_status", oneOf(t.status, VERIFICATION_STATUSES)),
    check("identity_verification_check_type", oneOf(t.checkType, CHECK_TYPES)),
    check("identity_verification_completed", sql`${t.status} = 'pending' or ${t.completedAt} is not null`),
    unique("identity_verification_vendor_ref").on(t.vendor, t.vendorRef),
    index("identity_verification_account").on(t.accountId, t.checkType, t.status),
  ],
);

export const modelRelease = sqliteTable(
  "model_release",
  {
    id: text("id").primaryKey(),
    contentId: text("content_id").notNull(),
    performerProfileId: text("performer_profile_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    signedAt: timestamp("signed_at").notNull(),
    /** R2 keys in COMPLIANCE_DOCS plus their checksums. */
    documents: json<Record<string, unknown>[]>("documents").notNull(),
    jurisdiction: text("jurisdiction").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    unique("model_release_content_performer").on(t.contentId, t.performerProfileId),
    index("model_release_performer").on(t.performerProfileId),
  ],
);

export const record2257 = sqliteTable(
  "record_2257",
  {
    id: text("id").primaryKey(),
    contentId: text("content_id").notNull(),
    custodianAccountId: text("custodian_account_id").notNull(),
    locationUri: text("location_uri").notNull(),
    /** Catalogue and retrieval information for the custodian index. */
    indexMetadata: json<Record<string, unknown>>("index_metadata").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    index("record_2257_content").on(t.contentId),
    index("record_2257_custodian").on(t.custodianAccountId),
  ],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    /** Autoincrement so IDs are never reused, which the hash chain relies on. */
    id: integer("id").primaryKey({ autoIncrement: true }),
    actorAccountId: text("actor_account_id"),
    tenantId: text("tenant_id"),
    action: text("action").notNull(),
    subjectTable: text("subject_table"),
    subjectId: text("subject_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    at: timestamp("at").notNull(),
    data: json<Record<string, unknown>>("data"),
    /** The previous row's hash; null only for the first row of the chain. */
    prevHash: text("prev_hash"),
    /** SHA-256 (hex) over prev_hash and this row's canonical JSON. */
    hash: text("hash").notNull().unique(),
  },
  (t) => [
    check("audit_log_hash", sql`length(${t.hash}) = 64 and ${t.hash} not glob '*[^0-9a-f]*'`),
    index("audit_log_subject").on(t.subjectTable, t.subjectId),
    index("audit_log_actor").on(t.actorAccountId, t.at),
    index("audit_log_tenant").on(t.tenantId, t.at),
  ],
);

export type IdentityVerificationRow = typeof identityVerification.$inferSelect;
export type NewIdentityVerificationRow = typeof identityVerification.$inferInsert;
export type ModelReleaseRow = typeof modelRelease.$inferSelect;
export type NewModelReleaseRow = typeof modelRelease.$inferInsert;
export type Record2257Row = typeof record2257.$inferSelect;
export type NewRecord2257Row = typeof record2257.$inferInsert;
export type AuditLogRow = typeof auditLog.$inferSelect;
export type NewAuditLogRow = typeof auditLog.$inferInsert;

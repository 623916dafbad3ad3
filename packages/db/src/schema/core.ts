import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  unique,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { flag, isCurrency, json, oneOf, textNoCase, timestamp } from "./columns";

/**
 * The core OLTP schema (D1 `DB`): the blueprint's Postgres tables adapted to SQLite. IDs are our
 * prefixed ULIDs, times are epoch milliseconds, money is integer minor units, `citext` is
 * `COLLATE NOCASE` and `jsonb`/arrays are JSON text. Every enum the blueprint names is a CHECK, so a
 * bad value fails in the database even if a caller skips validation.
 */

export const ACCOUNT_STATUSES = ["active", "disabled", "pending"] as const;
export const ROLE_SCOPES = ["global", "tenant"] as const;
export const PROFILE_TYPES = ["creator", "fan", "staff"] as const;
export const CONTENT_VISIBILITIES = ["public", "subscribers", "ppv"] as const;
export const MODERATION_STATES = ["pending", "approved", "rejected"] as const;
/**
 * What a brand serves of an asset: the watermarked full-size picture, thumbnails (`thumb` 720 px and
 * `thumb_small` 240 px on the long side), the teaser of locked content, and video manifests.
 */
export const MEDIA_VARIANT_KINDS = ["hls", "dash", "thumb", "thumb_small", "teaser", "watermarked"] as const;
export const PUBLICATION_STATUSES = ["published", "scheduled", "hidden"] as const;
/** `general` content may show under safe search; everything else is `explicit` (the default). */
export const CONTENT_RATINGS = ["general", "explicit"] as const;
export const SEARCH_KINDS = ["profile", "content"] as const;
export const NOTIFICATION_KINDS = ["new_follower", "new_post", "crosspost_done"] as const;
export const WEBHOOK_ENDPOINT_STATUSES = ["active", "disabled"] as const;
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "succeeded", "dead"] as const;
export const FINGERPRINT_STATUSES = ["pending", "ready", "failed"] as const;
/**
 * Where an asset's bytes are: `uploading` until `ingest:complete` has checked them, then `stored`;
 * `failed` (size, checksum or type did not match), `aborted` by its creator, or `expired` when the
 * upload was abandoned.
 */
export const UPLOAD_STATES = ["uploading", "stored", "failed", "aborted", "expired"] as const;
/** How the client sends the bytes: presigned S3 URLs straight to R2, or the media worker's token route. */
export const UPLOAD_TRANSPORTS = ["r2-s3", "worker"] as const;
/** A re-upload above the near-duplicate threshold: its creator's own asset is linked, anyone else's flagged. */
export const DUPLICATE_STATES = ["linked", "flagged"] as const;
export const PDQ_INDEX_KINDS = ["asset", "known_bad"] as const;
export const KNOWN_BAD_KINDS = ["pdq", "md5"] as const;
/**
 * Why a hash list blocks: an imported known-bad list (a match opens a safety case and a mandatory
 * report), or the platform's takedown list (a match refuses the re-upload of taken-down media).
 */
export const HASH_LIST_PURPOSES = ["known_bad", "takedown"] as const;
/** Who took an asset down: its creator, brand staff, or platform trust & safety. */
export const TAKEDOWN_ACTORS = ["creator", "staff", "safety"] as const;
export const MODERATION_CASE_REASONS = ["known_bad_match", "near_duplicate"] as const;
export const MODERATION_CASE_STATES = ["open", "resolved", "dismissed"] as const;
export const SAFETY_REPORT_STATUSES = ["pending", "submitted"] as const;
/** A tenant's key-encryption key version: wraps new objects (`active`), being rotated away from, or unused. */
export const VAULT_KEY_STATES = ["active", "retiring", "retired"] as const;
export const PLAN_INTERVALS = ["week", "month", "quarter", "year"] as const;
export const SUBSCRIPTION_STATUSES = ["incomplete", "active", "past_due", "canceled", "expired"] as const;
export const PURCHASE_KINDS = ["ppv", "tip", "bundle"] as const;
export const PURCHASE_STATUSES = ["pending", "succeeded", "failed", "refunded", "disputed"] as const;
export const KYC_STATUSES = ["pending", "verified", "rejected", "restricted"] as const;
/** What a checkout sells: a plan (subscription), one pay-per-view post, or a tip with a message. */
export const CHECKOUT_KINDS = ["subscription", "ppv", "tip"] as const;
export const CHECKOUT_STATUSES = ["open", "completed", "expired"] as const;
export const PROMO_KINDS = ["percent", "fixed"] as const;
/** How a webhook event ended: its effect applied, or nothing to do (an event type or object we ignore). */
export const PAYMENT_EVENT_OUTCOMES = ["applied", "ignored"] as const;
export const PAYOUT_STATUSES = [
  "requested",
  "scheduled",
  "processing",
  "paid",
  "failed",
  "canceled",
] as const;
export const CAMPAIGN_STATUSES = ["draft", "active", "paused", "completed", "archived"] as const;
export const CREATIVE_KINDS = ["image", "video", "text", "native"] as const;
export const POLICY_STATES = ["pending", "approved", "rejected"] as const;

// Tenancy and identity

export const tenant = sqliteTable(
  "tenant",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    /** `TenantSettings` from @fun/tenancy; kept as unknown here so db does not depend on zod. */
    settings: json<Record<string, unknown>>("settings").notNull(),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    // Slugs become hostnames (`<slug>.localhost`, `<slug>.com`).
    check("tenant_slug_format", sql`${t.slug} glob '[a-z]*' and ${t.slug} not glob '*[^a-z0-9-]*'`),
  ],
);

export const account = sqliteTable(
  "account",
  {
    id: text("id").primaryKey(),
    email: textNoCase("email").notNull().unique(),
    phone: text("phone"),
    /** Null for accounts that only sign in through an external identity. */
    passwordHash: text("password_hash"),
    status: text("status", { enum: ACCOUNT_STATUSES }).notNull().default("pending"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [check("account_status", oneOf(t.status, ACCOUNT_STATUSES))],
);

export const accountIdentity = sqliteTable(
  "account_identity",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => account.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    subject: text("subject").notNull(),
    metadata: json<Record<string, unknown>>("metadata"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    unique("account_identity_provider_subject").on(t.provider, t.subject),
    index("account_identity_account").on(t.accountId),
  ],
);

export const role = sqliteTable(
  "role",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull().unique(),
    scope: text("scope", { enum: ROLE_SCOPES }).notNull(),
    permissions: json<string[]>("permissions").notNull().default([]),
  },
  (t) => [check("role_scope", oneOf(t.scope, ROLE_SCOPES))],
);

export const accountRole = sqliteTable(
  "account_role",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => account.id, { onDelete: "cascade" }),
    roleId: text("role_id")
      .notNull()
      .references(() => role.id, { onDelete: "cascade" }),
    /** Null for a global grant; set for a tenant-scoped one (e.g. staff of one brand). */
    tenantId: text("tenant_id").references(() => tenant.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    // A plain unique(account, role, tenant) lets NULL tenants repeat, since NULLs never compare equal;
    // two partial indexes close that gap (drizzle-kit mangles an expression index with a comma in it).
    uniqueIndex("account_role_global_grant").on(t.accountId, t.roleId).where(sql`${t.tenantId} is null`),
    uniqueIndex("account_role_tenant_grant")
      .on(t.accountId, t.roleId, t.tenantId)
      .where(sql`${t.tenantId} is not null`),
    index("account_role_tenant").on(t.tenantId),
  ],
);

// Profiles: global, with per-tenant presence

export const profile = sqliteTable(
  "profile",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => account.id, { onDelete: "cascade" }),
    handle: textNoCase("handle").notNull().unique(),
    displayName: text("display_name").notNull(),
    bio: text("bio"),
    type: text("type", { enum: PROFILE_TYPES }).notNull(),
    flags: json<Record<string, unknown>>("flags"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("profile_type", oneOf(t.type, PROFILE_TYPES)),
    // Handles appear in URLs on every brand.
    check(
      "profile_handle_format",
      sql`length(${t.handle}) between 3 and 30 and ${t.handle} not glob '*[^A-Za-z0-9_]*'`,
    ),
    index("profile_account").on(t.accountId),
  ],
);

export const profileTenant = sqliteTable(
  "profile_tenant",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    isVisible: flag("is_visible").notNull().default(true),
    settings: json<Record<string, unknown>>("settings"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    unique("profile_tenant_presence").on(t.profileId, t.tenantId),
    index("profile_tenant_tenant").on(t.tenantId, t.isVisible),
  ],
);

// Content and media

/** A profile's link-in-bio entries, shown on every brand where the profile is visible. */
export const profileLink = sqliteTable(
  "profile_link",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    url: text("url").notNull(),
    position: integer("position").notNull(),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    index("profile_link_profile").on(t.profileId, t.position),
    check("profile_link_url", sql`${t.url} glob 'https://*'`),
    check("profile_link_title", sql`length(${t.title}) between 1 and 80`),
  ],
);

/** One profile following another. Follows are platform-wide; each brand shows those present on it. */
export const follow = sqliteTable(
  "follow",
  {
    followerId: text("follower_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    followeeId: text("followee_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.followerId, t.followeeId] }),
    index("follow_followee").on(t.followeeId, t.createdAt),
    check("follow_not_self", sql`${t.followerId} <> ${t.followeeId}`),
  ],
);

/** One profile blocking another: the blocked one sees nothing of the blocker and cannot follow, message or buy. */
export const block = sqliteTable(
  "block",
  {
    blockerId: text("blocker_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    blockedId: text("blocked_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockerId, t.blockedId] }),
    index("block_blocked").on(t.blockedId),
    check("block_not_self", sql`${t.blockerId} <> ${t.blockedId}`),
  ],
);

export const content = sqliteTable(
  "content",
  {
    id: text("id").primaryKey(),
    // Restrict: content carries 2257 obligations and must not vanish with a profile.
    creatorProfileId: text("creator_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "restrict" }),
    /** The brand the content was created on; other brands get it through content_tenant_map. */
    canonicalTenantId: text("canonical_tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "restrict" }),
    title: text("title").notNull(),
    caption: text("caption"),
    priceCents: integer("price_cents").notNull().default(0),
    visibility: text("visibility", { enum: CONTENT_VISIBILITIES }).notNull(),
    tags: json<string[]>("tags").notNull().default([]),
    rating: text("rating", { enum: CONTENT_RATINGS }).notNull().default("explicit"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("content_visibility", oneOf(t.visibility, CONTENT_VISIBILITIES)),
    check("content_rating", oneOf(t.rating, CONTENT_RATINGS)),
    check("content_price", sql`${t.priceCents} >= 0`),
    check("content_ppv_priced", sql`${t.visibility} <> 'ppv' or ${t.priceCents} > 0`),
    index("content_creator").on(t.creatorProfileId, t.createdAt),
    index("content_canonical_tenant").on(t.canonicalTenantId, t.createdAt),
  ],
);

/**
 * An uploaded file. It belongs to the creator who uploaded it and, once attached, to a post; the
 * tenant is the brand it was uploaded through (whose type and size limits applied).
 */
export const mediaAsset = sqliteTable(
  "media_asset",
  {
    id: text("id").primaryKey(),
    contentId: text("content_id").references(() => content.id, { onDelete: "cascade" }),
    ownerProfileId: text("owner_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    storageKey: text("storage_key").notNull().unique(),
    mime: text("mime").notNull(),
    bytes: integer("bytes").notNull(),
    durationSec: integer("duration_sec"),
    width: integer("width"),
    height: integer("height"),
    checksumSha256: text("checksum_sha256"),
    perceptualHash: text("perceptual_hash"),
    forensicWatermark: json<Record<string, unknown>>("forensic_watermark"),
    moderationState: text("moderation_state", { enum: MODERATION_STATES }).notNull().default("pending"),
    uploadState: text("upload_state", { enum: UPLOAD_STATES }).notNull().default("uploading"),
    /** Why the upload failed, in words the uploader can act on. */
    failureReason: text("failure_reason"),
    /** Set when the asset matched a known-bad hash list: it is never published and never served. */
    blockedAt: timestamp("blocked_at"),
    /** The earlier asset this one near-duplicates (see `duplicateState`). */
    canonicalAssetId: text("canonical_asset_id").references((): AnySQLiteColumn => mediaAsset.id, {
      onDelete: "set null",
    }),
    duplicateState: text("duplicate_state", { enum: DUPLICATE_STATES }),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("media_asset_moderation_state", oneOf(t.moderationState, MODERATION_STATES)),
    check("media_asset_upload_state", oneOf(t.uploadState, UPLOAD_STATES)),
    check(
      "media_asset_duplicate_state",
      sql`${t.duplicateState} is null or ${oneOf(t.duplicateState, DUPLICATE_STATES)}`,
    ),
    check("media_asset_bytes", sql`${t.bytes} >= 0`),
    check(
      "media_asset_checksum",
      sql`${t.checksumSha256} is null or (length(${t.checksumSha256}) = 64 and ${t.checksumSha256} not glob '*[^0-9a-f]*')`,
    ),
    index("media_asset_content").on(t.contentId),
    index("media_asset_owner").on(t.ownerProfileId, t.createdAt),
    // Exact-duplicate lookup on ingest.
    index("media_asset_checksum_sha256").on(t.checksumSha256),
  ],
);

/**
 * An upload in progress, deleted when it completes, is aborted or expires. A multipart upload keeps
 * R2's upload id; parts sent through the worker route are recorded in `media_upload_part` (R2's
 * binding cannot list them).
 */
export const mediaUpload = sqliteTable(
  "media_upload",
  {
    assetId: text("asset_id")
      .primaryKey()
      .references(() => mediaAsset.id, { onDelete: "cascade" }),
    transport: text("transport", { enum: UPLOAD_TRANSPORTS }).notNull(),
    multipartUploadId: text("multipart_upload_id"),
    partSize: integer("part_size"),
    partCount: integer("part_count").notNull().default(1),
    declaredSha256: text("declared_sha256"),
    expiresAt: timestamp("expires_at").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    check("media_upload_transport", oneOf(t.transport, UPLOAD_TRANSPORTS)),
    check("media_upload_part_count", sql`${t.partCount} between 1 and 10000`),
    index("media_upload_expiry").on(t.expiresAt),
  ],
);

export const mediaUploadPart = sqliteTable(
  "media_upload_part",
  {
    assetId: text("asset_id")
      .notNull()
      .references(() => mediaUpload.assetId, { onDelete: "cascade" }),
    partNumber: integer("part_number").notNull(),
    etag: text("etag").notNull(),
    bytes: integer("bytes").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.partNumber] })],
);

/**
 * An asset's forensic fingerprints, computed by the media worker's ingest consumer: SHA-256 of the
 * stored bytes, and for images PDQ (hash, quality, the 8 dihedral hashes) and the 64-bit pHash.
 * `failed` keeps the reason an upload could not be fingerprinted (corrupt, not an image, too large).
 */
export const mediaFingerprint = sqliteTable(
  "media_fingerprint",
  {
    assetId: text("asset_id")
      .primaryKey()
      .references(() => mediaAsset.id, { onDelete: "cascade" }),
    status: text("status", { enum: FINGERPRINT_STATUSES }).notNull().default("pending"),
    sha256: text("sha256"),
    /** MD5 of the stored bytes: only to match industry hash lists that still publish MD5. */
    md5: text("md5"),
    /** 64 lowercase hex characters, Meta's word order. */
    pdq: text("pdq"),
    pdqQuality: integer("pdq_quality"),
    /** The 8 dihedral PDQ hashes by transform (orig, rot90, …, flipm). */
    pdqDihedral: json<Record<string, string>>("pdq_dihedral"),
    /** 16 lowercase hex characters (imagehash's bit order). */
    phash: text("phash"),
    mime: text("mime"),
    bytes: integer("bytes"),
    width: integer("width"),
    height: integer("height"),
    failureReason: text("failure_reason"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("media_fingerprint_status", oneOf(t.status, FINGERPRINT_STATUSES)),
    check(
      "media_fingerprint_pdq",
      sql`${t.pdq} is null or (length(${t.pdq}) = 64 and ${t.pdq} not glob '*[^0-9a-f]*')`,
    ),
    check(
      "media_fingerprint_phash",
      sql`${t.phash} is null or (length(${t.phash}) = 16 and ${t.phash} not glob '*[^0-9a-f]*')`,
    ),
    index("media_fingerprint_sha256").on(t.sha256),
    index("media_fingerprint_md5").on(t.md5),
  ],
);

const pdqSlot = (n: number) => integer(`s${n}`).notNull();

/**
 * The near-duplicate index over PDQ hashes (multi-index hashing): each hash is cut into 16 slots of
 * 16 bits, each slot indexed. Two hashes within distance 31 agree to within one bit on at least one
 * slot, so a query probes each slot's value and its 16 one-bit neighbours, then checks the real
 * distance of the few candidates. Global across brands: leaks cross brands. Holds assets' hashes of
 * quality ≥ 50 and the PDQ entries of known-bad lists.
 */
export const mediaPdqIndex = sqliteTable(
  "media_pdq_index",
  {
    /** An asset id (`ast_…`) or a known-bad entry id (`kbh_…`). */
    subjectId: text("subject_id").primaryKey(),
    kind: text("kind", { enum: PDQ_INDEX_KINDS }).notNull(),
    hash: text("hash").notNull(),
    quality: integer("quality").notNull(),
    s0: pdqSlot(0),
    s1: pdqSlot(1),
    s2: pdqSlot(2),
    s3: pdqSlot(3),
    s4: pdqSlot(4),
    s5: pdqSlot(5),
    s6: pdqSlot(6),
    s7: pdqSlot(7),
    s8: pdqSlot(8),
    s9: pdqSlot(9),
    s10: pdqSlot(10),
    s11: pdqSlot(11),
    s12: pdqSlot(12),
    s13: pdqSlot(13),
    s14: pdqSlot(14),
    s15: pdqSlot(15),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    check("media_pdq_index_kind", oneOf(t.kind, PDQ_INDEX_KINDS)),
    check("media_pdq_index_hash", sql`length(${t.hash}) = 64 and ${t.hash} not glob '*[^0-9a-f]*'`),
    index("media_pdq_index_s0").on(t.s0),
    index("media_pdq_index_s1").on(t.s1),
    index("media_pdq_index_s2").on(t.s2),
    index("media_pdq_index_s3").on(t.s3),
    index("media_pdq_index_s4").on(t.s4),
    index("media_pdq_index_s5").on(t.s5),
    index("media_pdq_index_s6").on(t.s6),
    index("media_pdq_index_s7").on(t.s7),
    index("media_pdq_index_s8").on(t.s8),
    index("media_pdq_index_s9").on(t.s9),
    index("media_pdq_index_s10").on(t.s10),
    index("media_pdq_index_s11").on(t.s11),
    index("media_pdq_index_s12").on(t.s12),
    index("media_pdq_index_s13").on(t.s13),
    index("media_pdq_index_s14").on(t.s14),
    index("media_pdq_index_s15").on(t.s15),
  ],
);

/** A known-bad hash list imported by trust & safety staff (e.g. an industry CSAM list). Global. */
export const knownBadList = sqliteTable(
  "known_bad_list",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: KNOWN_BAD_KINDS }).notNull(),
    purpose: text("purpose", { enum: HASH_LIST_PURPOSES }).notNull().default("known_bad"),
    /** Who publishes the list (NCMEC, IWF, an internal team, …). */
    source: text("source").notNull(),
    entryCount: integer("entry_count").notNull().default(0),
    createdByAccountId: text("created_by_account_id").references(() => account.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("known_bad_list_kind", oneOf(t.kind, KNOWN_BAD_KINDS)),
    check("known_bad_list_purpose", oneOf(t.purpose, HASH_LIST_PURPOSES)),
    unique("known_bad_list_name").on(t.name),
  ],
);

export const knownBadHash = sqliteTable(
  "known_bad_hash",
  {
    id: text("id").primaryKey(),
    listId: text("list_id")
      .notNull()
      .references(() => knownBadList.id, { onDelete: "cascade" }),
    /** Lowercase hex: 64 characters for PDQ, 32 for MD5. */
    hash: text("hash").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    check("known_bad_hash_hex", sql`length(${t.hash}) in (32, 64) and ${t.hash} not glob '*[^0-9a-f]*'`),
    unique("known_bad_hash_entry").on(t.listId, t.hash),
    index("known_bad_hash_hash").on(t.hash),
  ],
);

/** Something staff must look at: a known-bad match (the asset is already blocked) or a flagged re-upload. */
export const moderationCase = sqliteTable(
  "moderation_case",
  {
    id: text("id").primaryKey(),
    /** The brand whose staff handle it; null for platform-wide cases (known-bad matches). */
    tenantId: text("tenant_id").references(() => tenant.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: MODERATION_CASE_REASONS }).notNull(),
    state: text("state", { enum: MODERATION_CASE_STATES }).notNull().default("open"),
    assetId: text("asset_id").references(() => mediaAsset.id, { onDelete: "set null" }),
    contentId: text("content_id").references(() => content.id, { onDelete: "set null" }),
    details: json<Record<string, unknown>>("details").notNull(),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("moderation_case_reason", oneOf(t.reason, MODERATION_CASE_REASONS)),
    check("moderation_case_state", oneOf(t.state, MODERATION_CASE_STATES)),
    index("moderation_case_open").on(t.state, t.createdAt),
    index("moderation_case_asset").on(t.assetId),
  ],
);

/**
 * A mandatory report owed for a known-bad match (e.g. to NCMEC's CyberTipline): recorded at the
 * moment of the match, submitted by the reporting flow.
 */
export const safetyReport = sqliteTable(
  "safety_report",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id")
      .notNull()
      .references(() => moderationCase.id, { onDelete: "cascade" }),
    assetId: text("asset_id").notNull(),
    listId: text("list_id").references(() => knownBadList.id, { onDelete: "set null" }),
    matchedHash: text("matched_hash").notNull(),
    distance: integer("distance").notNull(),
    status: text("status", { enum: SAFETY_REPORT_STATUSES }).notNull().default("pending"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    check("safety_report_status", oneOf(t.status, SAFETY_REPORT_STATUSES)),
    unique("safety_report_match").on(t.assetId, t.matchedHash),
  ],
);

/**
 * A rendition of an asset made for one brand, stored through the vault (encrypted). A
 * `recipientProfileId` marks a per-buyer copy (a PPV purchase's own watermark); brand renditions
 * have none, and there is at most one of each kind per asset and brand.
 */
export const mediaVariant = sqliteTable(
  "media_variant",
  {
    id: text("id").primaryKey(),
    assetId: text("asset_id")
      .notNull()
      .references(() => mediaAsset.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: MEDIA_VARIANT_KINDS }).notNull(),
    storageKey: text("storage_key").notNull().unique(),
    recipientProfileId: text("recipient_profile_id").references(() => profile.id, { onDelete: "cascade" }),
    /** The forensic watermark's 64-bit payload ID (16 hex digits) when the pixels carry one. */
    payloadId: text("payload_id"),
    mime: text("mime"),
    width: integer("width"),
    height: integer("height"),
    bytes: integer("bytes"),
    drmKeyId: text("drm_key_id"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    check("media_variant_kind", oneOf(t.kind, MEDIA_VARIANT_KINDS)),
    uniqueIndex("media_variant_rendition")
      .on(t.assetId, t.tenantId, t.kind)
      .where(sql`${t.recipientProfileId} is null`),
    uniqueIndex("media_variant_recipient_copy")
      .on(t.assetId, t.tenantId, t.kind, t.recipientProfileId)
      .where(sql`${t.recipientProfileId} is not null`),
    index("media_variant_tenant").on(t.tenantId),
  ],
);

/**
 * What a forensic watermark's 64-bit ID stands for: a leaked copy read back by `POST
 * /v1/media/trace` names the brand, creator, post and (for a purchased copy) the buyer. The key
 * version says which of the brand's watermark keys (derived by the vault) made the mark.
 */
export const watermarkPayload = sqliteTable(
  "watermark_payload",
  {
    /** 16 lowercase hex digits. */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    assetId: text("asset_id")
      .notNull()
      .references(() => mediaAsset.id, { onDelete: "cascade" }),
    contentId: text("content_id").references(() => content.id, { onDelete: "set null" }),
    creatorProfileId: text("creator_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    recipientProfileId: text("recipient_profile_id").references(() => profile.id, { onDelete: "set null" }),
    keyVersion: integer("key_version").notNull(),
    issuedAt: timestamp("issued_at").notNull(),
  },
  (t) => [
    check("watermark_payload_hex", sql`length(${t.id}) = 16 and ${t.id} not glob '*[^0-9a-f]*'`),
    index("watermark_payload_asset").on(t.assetId),
  ],
);

/**
 * A takedown: who removed an asset everywhere and why. The delivery path refuses every URL and
 * variant of an asset listed here (the revocation list), and the asset's fingerprints join the
 * takedown hash list so a re-upload is refused.
 */
export const mediaTakedown = sqliteTable(
  "media_takedown",
  {
    id: text("id").primaryKey(),
    assetId: text("asset_id")
      .notNull()
      .unique()
      .references(() => mediaAsset.id, { onDelete: "cascade" }),
    actor: text("actor", { enum: TAKEDOWN_ACTORS }).notNull(),
    requestedByAccountId: text("requested_by_account_id").references(() => account.id, {
      onDelete: "set null",
    }),
    /** The brand whose staff acted; null for the creator and for platform trust & safety. */
    tenantId: text("tenant_id").references(() => tenant.id, { onDelete: "set null" }),
    reason: text("reason").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [check("media_takedown_actor", oneOf(t.actor, TAKEDOWN_ACTORS))],
);

export const contentTenantMap = sqliteTable(
  "content_tenant_map",
  {
    id: text("id").primaryKey(),
    contentId: text("content_id")
      .notNull()
      .references(() => content.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    status: text("status", { enum: PUBLICATION_STATUSES }).notNull(),
    /** When it went (or goes, if scheduled) live on this brand. */
    publishAt: timestamp("publish_at"),
    /** Likes on this brand (content_like), kept in step with them in the same batch. */
    likeCount: integer("like_count").notNull().default(0),
    /**
     * The ranked feed's order (features/feed/ranker.ts): recency in units of 12.5 hours plus the
     * order of magnitude of likes. It changes only when likes do, so keyset pages stay stable.
     */
    rankScore: real("rank_score").generatedAlwaysAs(
      sql`coalesce(publish_at, 0) / 45000000.0 + log10(1 + like_count)`,
      { mode: "virtual" },
    ),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("content_tenant_map_status", oneOf(t.status, PUBLICATION_STATUSES)),
    check("content_tenant_map_scheduled", sql`${t.status} <> 'scheduled' or ${t.publishAt} is not null`),
    check("content_tenant_map_likes", sql`${t.likeCount} >= 0`),
    unique("content_tenant_map_content_tenant").on(t.contentId, t.tenantId),
    // The latest feed: published rows of one tenant, newest first, ties broken by content id.
    index("content_tenant_map_latest").on(t.tenantId, t.status, t.publishAt, t.contentId),
    // The ranked feed: the same rows by rank score.
    index("content_tenant_map_ranked").on(t.tenantId, t.status, t.rankScore, t.contentId),
  ],
);

/** A fan liking a post on one brand: the engagement the ranked feed counts. */
export const contentLike = sqliteTable(
  "content_like",
  {
    contentId: text("content_id")
      .notNull()
      .references(() => content.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    profileId: text("profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.contentId, t.tenantId, t.profileId] }),
    index("content_like_profile").on(t.profileId, t.createdAt),
  ],
);

/** A creator's named segment of fans (e.g. "VIP", "renewing soon"), for targeting and messages. */
export const fanList = sqliteTable(
  "fan_list",
  {
    id: text("id").primaryKey(),
    creatorProfileId: text("creator_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    name: textNoCase("name").notNull(),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    unique("fan_list_creator_name").on(t.creatorProfileId, t.name),
    check("fan_list_name", sql`length(trim(${t.name})) between 1 and 60`),
  ],
);

export const fanListMember = sqliteTable(
  "fan_list_member",
  {
    listId: text("list_id")
      .notNull()
      .references(() => fanList.id, { onDelete: "cascade" }),
    fanProfileId: text("fan_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    addedAt: timestamp("added_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.listId, t.fanProfileId] }),
    index("fan_list_member_fan").on(t.fanProfileId),
  ],
);

// Search: one row per (subject, brand) it is findable on; its text lives in the FTS5 table
// `search_fts` (rowid = search_entry.id), created by hand in the migration since drizzle has no
// virtual tables. See features/search.

export const searchEntry = sqliteTable(
  "search_entry",
  {
    id: integer("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: SEARCH_KINDS }).notNull(),
    subjectId: text("subject_id").notNull(),
    /** The profile whose entry or post this is: blocks and presence are checked on it. */
    ownerProfileId: text("owner_profile_id").notNull(),
    indexedAt: timestamp("indexed_at").notNull(),
  },
  (t) => [
    check("search_entry_kind", oneOf(t.kind, SEARCH_KINDS)),
    unique("search_entry_subject").on(t.subjectId, t.tenantId),
  ],
);

// Notifications: the in-app inbox, partner webhooks, and what local senders delivered

export const notification = sqliteTable(
  "notification",
  {
    id: text("id").primaryKey(),
    /** Who it is for. */
    profileId: text("profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    /** Who did it (the new follower, the posting creator). */
    actorProfileId: text("actor_profile_id").references(() => profile.id, { onDelete: "cascade" }),
    /** What it is about (a content id), if anything. */
    subjectId: text("subject_id"),
    /** The event it came from: one notification per event, recipient and brand. */
    eventId: text("event_id").notNull(),
    createdAt: timestamp("created_at").notNull(),
    readAt: timestamp("read_at"),
  },
  (t) => [
    check("notification_kind", oneOf(t.kind, NOTIFICATION_KINDS)),
    unique("notification_event_recipient").on(t.eventId, t.profileId, t.tenantId),
    index("notification_inbox").on(t.profileId, t.tenantId, t.createdAt, t.id),
    index("notification_unread").on(t.profileId, t.tenantId).where(sql`${t.readAt} is null`),
  ],
);

/** A partner's endpoint on one brand, sent that brand's events signed per Standard Webhooks. */
export const webhookEndpoint = sqliteTable(
  "webhook_endpoint",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description"),
    /** Event types to send; empty means every type. */
    eventTypes: json<string[]>("event_types").notNull().default([]),
    /** The signing secret (`whsec_…`), sealed with the platform key; shown to the partner once. */
    secretSealed: text("secret_sealed").notNull(),
    status: text("status", { enum: WEBHOOK_ENDPOINT_STATUSES }).notNull().default("active"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("webhook_endpoint_status", oneOf(t.status, WEBHOOK_ENDPOINT_STATUSES)),
    index("webhook_endpoint_tenant").on(t.tenantId, t.status),
  ],
);

/** One event for one endpoint (its `webhook-id`), however many attempts it takes. */
export const webhookDelivery = sqliteTable(
  "webhook_delivery",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoint.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact JSON body sent (and signed) on every attempt. */
    payload: text("payload").notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("webhook_delivery_status", oneOf(t.status, WEBHOOK_DELIVERY_STATUSES)),
    unique("webhook_delivery_endpoint_event").on(t.endpointId, t.eventId),
    index("webhook_delivery_log").on(t.endpointId, t.createdAt, t.id),
    index("webhook_delivery_due").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** Every HTTP attempt of a delivery: the endpoint's delivery log. */
export const webhookAttempt = sqliteTable(
  "webhook_attempt",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDelivery.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    attemptedAt: timestamp("attempted_at").notNull(),
  },
  (t) => [unique("webhook_attempt_number").on(t.deliveryId, t.attempt)],
);

/** Push notifications the local push sender delivered, for developers to read. Never used in production. */
export const devPush = sqliteTable(
  "dev_push",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    url: text("url"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("dev_push_profile").on(t.profileId, t.createdAt)],
);

// Commerce

export const subscriptionPlan = sqliteTable(
  "subscription_plan",
  {
    id: text("id").primaryKey(),
    creatorProfileId: text("creator_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    priceCents: integer("price_cents").notNull(),
    currency: text("currency").notNull().default("USD"),
    interval: text("interval", { enum: PLAN_INTERVALS }).notNull(),
    perks: json<string[]>("perks").notNull().default([]),
    active: flag("active").notNull().default(true),
    createdAt: timestamp("created_at").notNull(),
    /** The brand the plan is sold on (null only for rows older than migration 0011). */
    tenantId: text("tenant_id").references(() => tenant.id, { onDelete: "cascade" }),
    trialDays: integer("trial_days").notNull().default(0),
    /** Multi-month bundles: `[{ months: 3 | 6 | 12, discountBps }]`, billed once per bundle period. */
    bundles: json<{ months: number; discountBps: number }[]>("bundles").notNull().default([]),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [
    check("subscription_plan_interval", oneOf(t.interval, PLAN_INTERVALS)),
    check("subscription_plan_price", sql`${t.priceCents} >= 0`),
    check("subscription_plan_currency", isCurrency(t.currency)),
    index("subscription_plan_creator").on(t.creatorProfileId, t.active),
  ],
);

export const subscription = sqliteTable(
  "subscription",
  {
    id: text("id").primaryKey(),
    /** The brand the fan subscribed on. */
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "restrict" }),
    fanProfileId: text("fan_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    planId: text("plan_id")
      .notNull()
      .references(() => subscriptionPlan.id, { onDelete: "restrict" }),
    status: text("status", { enum: SUBSCRIPTION_STATUSES }).notNull(),
    currentPeriodEnd: timestamp("current_period_end"),
    provider: text("provider"),
    providerRef: text("provider_ref"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
    /** The checkout that started it: provider events name it in their metadata, whatever their order. */
    checkoutId: text("checkout_id"),
    /** Months billed per period (1, or a bundle's 3/6/12). */
    months: integer("months").notNull().default(1),
    cancelAtPeriodEnd: flag("cancel_at_period_end").notNull().default(false),
    /** The provider's time of the last subscription state applied: an older event never overwrites a newer one. */
    providerStateAt: timestamp("provider_state_at"),
  },
  (t) => [
    check("subscription_status", oneOf(t.status, SUBSCRIPTION_STATUSES)),
    // Webhooks find the row by the provider's id; NULLs (not yet known) may repeat.
    unique("subscription_provider_ref").on(t.provider, t.providerRef),
    index("subscription_by_fan").on(t.fanProfileId, t.status),
    index("subscription_by_plan").on(t.planId, t.status),
    index("subscription_tenant").on(t.tenantId),
    index("subscription_checkout").on(t.checkoutId),
  ],
);

export const purchase = sqliteTable(
  "purchase",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "restrict" }),
    fanProfileId: text("fan_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "restrict" }),
    /** Who is paid: the content's creator for PPV, the tipped creator for a tip. */
    creatorProfileId: text("creator_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "restrict" }),
    kind: text("kind", { enum: PURCHASE_KINDS }).notNull(),
    contentId: text("content_id").references(() => content.id, { onDelete: "restrict" }),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: PURCHASE_STATUSES }).notNull(),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
    checkoutId: text("checkout_id"),
    /** A tip's message to the creator. */
    message: text("message"),
  },
  (t) => [
    check("purchase_kind", oneOf(t.kind, PURCHASE_KINDS)),
    check("purchase_status", oneOf(t.status, PURCHASE_STATUSES)),
    check("purchase_amount", sql`${t.amountCents} > 0`),
    check("purchase_currency", isCurrency(t.currency)),
    check("purchase_ppv_content", sql`${t.kind} <> 'ppv' or ${t.contentId} is not null`),
    unique("purchase_provider_ref").on(t.provider, t.providerRef),
    // Entitlement check: has this fan bought this content?
    index("purchase_fan_content").on(t.fanProfileId, t.contentId),
    index("purchase_creator").on(t.creatorProfileId, t.createdAt),
    index("purchase_tenant").on(t.tenantId, t.createdAt),
    index("purchase_checkout").on(t.checkoutId),
  ],
);

export const payoutAccount = sqliteTable(
  "payout_account",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    externalAccountId: text("external_account_id").notNull(),
    kycStatus: text("kyc_status", { enum: KYC_STATUSES }).notNull().default("pending"),
    country: text("country").notNull(),
    last4: text("last4"),
    createdAt: timestamp("created_at").notNull(),
    /** Whether the provider lets this account receive payouts now (from `account.updated`). */
    payoutsEnabled: flag("payouts_enabled").notNull().default(false),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [
    check("payout_account_kyc_status", oneOf(t.kycStatus, KYC_STATUSES)),
    check("payout_account_country", sql`${t.country} glob '[A-Z][A-Z]'`),
    check("payout_account_last4", sql`${t.last4} is null or ${t.last4} glob '[0-9][0-9][0-9][0-9]'`),
    unique("payout_account_external").on(t.provider, t.externalAccountId),
    index("payout_account_profile").on(t.profileId),
  ],
);

export const payout = sqliteTable(
  "payout",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "restrict" }),
    payoutAccountId: text("payout_account_id").references(() => payoutAccount.id, {
      onDelete: "restrict",
    }),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: PAYOUT_STATUSES }).notNull(),
    /** A calendar date, `YYYY-MM-DD`. */
    scheduledFor: text("scheduled_for"),
    providerBatchId: text("provider_batch_id"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
    provider: text("provider"),
    /** The provider's payout id (`po_…`) once it accepted the payout. */
    providerRef: text("provider_ref"),
    /** Who asked: the creator (`manual`) or the weekly schedule. */
    origin: text("origin"),
    failureReason: text("failure_reason"),
  },
  (t) => [
    check("payout_status", oneOf(t.status, PAYOUT_STATUSES)),
    check("payout_amount", sql`${t.amountCents} > 0`),
    check("payout_currency", isCurrency(t.currency)),
    check(
      "payout_scheduled_for",
      sql`${t.scheduledFor} is null or date(${t.scheduledFor}) = ${t.scheduledFor}`,
    ),
    index("payout_profile").on(t.profileId, t.status),
    index("payout_provider_ref").on(t.providerRef),
  ],
);

/**
 * A checkout we opened at the provider: who buys what from whom on which brand. The subscription or
 * purchase row it sells is written with it (status `incomplete` / `pending`), so every later provider
 * event finds its row through the checkout id in its metadata, in whatever order the events come.
 */
export const checkoutSession = sqliteTable(
  "checkout_session",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "restrict" }),
    fanProfileId: text("fan_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    creatorProfileId: text("creator_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: CHECKOUT_KINDS }).notNull(),
    planId: text("plan_id").references(() => subscriptionPlan.id, { onDelete: "restrict" }),
    contentId: text("content_id").references(() => content.id, { onDelete: "restrict" }),
    subscriptionId: text("subscription_id"),
    purchaseId: text("purchase_id"),
    promoCodeId: text("promo_code_id"),
    /** What the fan pays per period (after any promotion), in minor units. */
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: CHECKOUT_STATUSES }).notNull(),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    url: text("url"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("checkout_session_kind", oneOf(t.kind, CHECKOUT_KINDS)),
    check("checkout_session_status", oneOf(t.status, CHECKOUT_STATUSES)),
    check("checkout_session_amount", sql`${t.amountCents} > 0`),
    check("checkout_session_currency", isCurrency(t.currency)),
    unique("checkout_session_provider_ref").on(t.provider, t.providerRef),
    index("checkout_session_fan").on(t.fanProfileId, t.createdAt),
  ],
);

/** A creator's promotion on one brand: a percentage or a fixed amount off a plan's first period. */
export const promoCode = sqliteTable(
  "promo_code",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    creatorProfileId: text("creator_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "cascade" }),
    /** Limits it to one plan; null for every plan of the creator. */
    planId: text("plan_id").references(() => subscriptionPlan.id, { onDelete: "cascade" }),
    code: textNoCase("code").notNull(),
    kind: text("kind", { enum: PROMO_KINDS }).notNull(),
    /** Basis points off for `percent`, minor units off for `fixed`. */
    value: integer("value").notNull(),
    expiresAt: timestamp("expires_at"),
    maxRedemptions: integer("max_redemptions"),
    /** Counted when a checkout takes the code, so the cap holds under concurrent checkouts. */
    redemptions: integer("redemptions").notNull().default(0),
    newSubscribersOnly: flag("new_subscribers_only").notNull().default(false),
    active: flag("active").notNull().default(true),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    check("promo_code_kind", oneOf(t.kind, PROMO_KINDS)),
    check("promo_code_value", sql`${t.value} > 0 and (${t.kind} <> 'percent' or ${t.value} <= 10000)`),
    check("promo_code_format", sql`${t.code} glob '[A-Za-z0-9]*' and length(${t.code}) between 3 and 32`),
    check("promo_code_cap", sql`${t.maxRedemptions} is null or ${t.redemptions} <= ${t.maxRedemptions}`),
    unique("promo_code_per_creator").on(t.tenantId, t.creatorProfileId, t.code),
  ],
);

/**
 * Every payment the ledger recorded as a sale, by the provider's payment id: refunds and disputes
 * name only that id, and this row tells whose ledger and which purchase or subscription they touch.
 * Written in the batch that records the event that made the sale, after the ledger posted it.
 */
export const commerceSale = sqliteTable(
  "commerce_sale",
  {
    /** The ledger's idempotency key of the sale (`sale:<provider payment id>`). */
    saleKey: text("sale_key").primaryKey(),
    provider: text("provider").notNull(),
    paymentRef: text("payment_ref").notNull(),
    creatorProfileId: text("creator_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "restrict" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "restrict" }),
    source: text("source", { enum: CHECKOUT_KINDS }).notNull(),
    grossCents: integer("gross_cents").notNull(),
    platformFeeCents: integer("platform_fee_cents").notNull(),
    processorFeeCents: integer("processor_fee_cents").notNull(),
    currency: text("currency").notNull(),
    purchaseId: text("purchase_id"),
    subscriptionId: text("subscription_id"),
    occurredAt: timestamp("occurred_at").notNull(),
  },
  (t) => [
    unique("commerce_sale_payment").on(t.provider, t.paymentRef),
    index("commerce_sale_creator").on(t.creatorProfileId, t.occurredAt),
    index("commerce_sale_time").on(t.occurredAt),
  ],
);

/**
 * Provider webhook events applied (or deliberately ignored), one row per event id: the row is the
 * first statement of the batch that applies the event, so a second delivery fails that batch whole.
 */
export const paymentEvent = sqliteTable(
  "payment_event",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    outcome: text("outcome", { enum: PAYMENT_EVENT_OUTCOMES }).notNull(),
    /** The provider's creation time of the event. */
    createdAt: timestamp("created_at").notNull(),
    appliedAt: timestamp("applied_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.eventId] }),
    check("payment_event_outcome", oneOf(t.outcome, PAYMENT_EVENT_OUTCOMES)),
  ],
);

/**
 * Events that came before what they depend on (a refund before its payment): kept verbatim and applied
 * when the dependency (`waiting_on`, e.g. `sale:pi_123`) lands, or by the cron sweep.
 */
export const paymentEventDeferred = sqliteTable(
  "payment_event_deferred",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    waitingOn: text("waiting_on").notNull(),
    /** The verified event, as received. */
    payload: text("payload").notNull(),
    receivedAt: timestamp("received_at").notNull(),
    attempts: integer("attempts").notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] }), index("payment_event_waiting").on(t.waitingOn)],
);

/** One daily comparison of the ledger with the provider's balance transactions, and every difference. */
export const reconciliationReport = sqliteTable(
  "reconciliation_report",
  {
    id: text("id").primaryKey(),
    provider: text("provider").notNull(),
    /** The UTC day compared, `YYYY-MM-DD`. */
    day: text("day").notNull(),
    checked: integer("checked").notNull(),
    differences: json<unknown[]>("differences").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [unique("reconciliation_report_day").on(t.provider, t.day)],
);

/**
 * The local sandbox provider's own records (its checkout sessions, payments, subscriptions, payouts
 * and balance transactions), standing in for the provider's side. Never used with a real provider.
 */
export const sandboxRecord = sqliteTable(
  "sandbox_record",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    data: json<Record<string, unknown>>("data").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("sandbox_record_kind").on(t.kind, t.createdAt)],
);

// Ads

export const adCampaign = sqliteTable(
  "ad_campaign",
  {
    id: text("id").primaryKey(),
    advertiserProfileId: text("advertiser_profile_id")
      .notNull()
      .references(() => profile.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    status: text("status", { enum: CAMPAIGN_STATUSES }).notNull().default("draft"),
    budgetCents: integer("budget_cents").notNull(),
    /** Geo, device, interests and tenant filters. */
    targeting: json<Record<string, unknown>>("targeting").notNull().default({}),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("ad_campaign_status", oneOf(t.status, CAMPAIGN_STATUSES)),
    check("ad_campaign_budget", sql`${t.budgetCents} >= 0`),
    index("ad_campaign_advertiser").on(t.advertiserProfileId),
    index("ad_campaign_status_idx").on(t.status),
  ],
);

export const adCreative = sqliteTable(
  "ad_creative",
  {
    id: text("id").primaryKey(),
    campaignId: text("campaign_id")
      .notNull()
      .references(() => adCampaign.id, { onDelete: "cascade" }),
    /** Null for a creative that may run on every brand. */
    tenantId: text("tenant_id").references(() => tenant.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: CREATIVE_KINDS }).notNull(),
    assetKey: text("asset_key"),
    clickUrl: text("click_url").notNull(),
    policyState: text("policy_state", { enum: POLICY_STATES }).notNull().default("pending"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    check("ad_creative_kind", oneOf(t.kind, CREATIVE_KINDS)),
    check("ad_creative_policy_state", oneOf(t.policyState, POLICY_STATES)),
    index("ad_creative_campaign").on(t.campaignId),
    index("ad_creative_tenant").on(t.tenantId, t.policyState),
  ],
);

export const adPlacement = sqliteTable(
  "ad_placement",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    slot: text("slot").notNull(),
    constraints: json<Record<string, unknown>>("constraints").notNull().default({}),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [unique("ad_placement_tenant_slot").on(t.tenantId, t.slot)],
);

export const adImpression = sqliteTable(
  "ad_impression",
  {
    id: text("id").primaryKey(),
    // Restrict: impressions are billing evidence.
    creativeId: text("creative_id")
      .notNull()
      .references(() => adCreative.id, { onDelete: "restrict" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "restrict" }),
    placementId: text("placement_id").references(() => adPlacement.id, { onDelete: "set null" }),
    profileId: text("profile_id").references(() => profile.id, { onDelete: "set null" }),
    requestId: text("request_id"),
    ts: timestamp("ts").notNull(),
    priceMicro: integer("price_micro").notNull().default(0),
    clickedAt: timestamp("clicked_at"),
    /** The consent snapshot in force when the ad was shown. */
    consent: json<Record<string, unknown>>("consent").notNull().default({}),
  },
  (t) => [
    check("ad_impression_price", sql`${t.priceMicro} >= 0`),
    index("ad_impression_creative_ts").on(t.creativeId, t.ts),
    index("ad_impression_tenant_ts").on(t.tenantId, t.ts),
  ],
);

// OAuth clients of the issuer: each brand's web app is a first-party public client

export const OAUTH_CLIENT_TYPES = ["public", "confidential"] as const;

export const oauthClient = sqliteTable(
  "oauth_client",
  {
    /** The OAuth `client_id`, chosen and public (e.g. `girlfanz-web`). */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type", { enum: OAUTH_CLIENT_TYPES }).notNull(),
    /** First-party clients skip the consent screen. */
    firstParty: flag("first_party").notNull().default(false),
    /** Matched exactly, never by prefix. */
    redirectUris: json<string[]>("redirect_uris").notNull(),
    postLogoutRedirectUris: json<string[]>("post_logout_redirect_uris").notNull().default([]),
    grantTypes: json<string[]>("grant_types").notNull(),
    /** Only confidential clients have a secret; it is stored hashed like a password. */
    secretHash: text("secret_hash"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("oauth_client_type", oneOf(t.type, OAUTH_CLIENT_TYPES)),
    check(
      "oauth_client_secret",
      sql`(${t.type} = 'public' and ${t.secretHash} is null) or (${t.type} = 'confidential' and ${t.secretHash} is not null)`,
    ),
    check(
      "oauth_client_id_format",
      sql`${t.id} not glob '*[^a-z0-9-]*' and length(${t.id}) between 3 and 64`,
    ),
    index("oauth_client_tenant").on(t.tenantId),
  ],
);

// Account lifecycle: one-time links sent by email, and the dev mailbox they land in locally

export const ACCOUNT_TOKEN_PURPOSES = ["verify_email", "reset_password"] as const;

/** Single-use secrets mailed to the account's owner; only their SHA-256 hash is stored. */
export const accountToken = sqliteTable(
  "account_token",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => account.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
  },
  (t) => [
    check("account_token_purpose", oneOf(t.purpose, ACCOUNT_TOKEN_PURPOSES)),
    index("account_token_account").on(t.accountId, t.purpose),
  ],
);

/** Mail the local email sender delivered: the dev mailbox a developer reads. Never used in production. */
export const devMail = sqliteTable(
  "dev_mail",
  {
    id: text("id").primaryKey(),
    to: text("to_address").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("dev_mail_to").on(t.to, t.createdAt)],
);

// Sign-in transactions and passkeys

export const OIDC_TRANSACTION_KINDS = ["brand", "upstream"] as const;

/**
 * A sign-in in flight, between the redirect to an authorization server and its callback: a brand's
 * own login through our issuer (`brand`), or our issuer's login through an upstream provider
 * (`upstream`). Keyed by the hash of `state`; bound to the browser that started it by the hash of a
 * cookie; used at most once.
 */
export const oidcTransaction = sqliteTable(
  "oidc_transaction",
  {
    stateHash: text("state_hash").primaryKey(),
    kind: text("kind", { enum: OIDC_TRANSACTION_KINDS }).notNull(),
    /** The brand that started a `brand` sign-in. */
    tenantId: text("tenant_id").references(() => tenant.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    /** The upstream provider of an `upstream` sign-in. */
    provider: text("provider"),
    codeVerifier: text("code_verifier").notNull(),
    nonce: text("nonce").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    /** Where to go afterwards: a path on the brand, or the pending authorization request. */
    context: json<Record<string, unknown>>("context").notNull().default({}),
    bindingHash: text("binding_hash").notNull(),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    consumedAt: timestamp("consumed_at"),
  },
  (t) => [
    check("oidc_transaction_kind", oneOf(t.kind, OIDC_TRANSACTION_KINDS)),
    index("oidc_transaction_expiry").on(t.expiresAt),
  ],
);

/** A WebAuthn credential (passkey) registered to an account; its RP ID is the auth host. */
export const passkey = sqliteTable(
  "passkey",
  {
    /** The credential id, base64url. */
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => account.id, { onDelete: "cascade" }),
    /** The COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    counter: integer("counter").notNull().default(0),
    transports: json<string[]>("transports").notNull().default([]),
    deviceType: text("device_type").notNull(),
    backedUp: flag("backed_up").notNull().default(false),
    name: text("name"),
    createdAt: timestamp("created_at").notNull(),
    lastUsedAt: timestamp("last_used_at"),
  },
  (t) => [index("passkey_account").on(t.accountId)],
);

export const WEBAUTHN_CEREMONIES = ["registration", "authentication"] as const;

/** A WebAuthn challenge handed to a browser, good for one ceremony within a few minutes. */
export const webauthnChallenge = sqliteTable(
  "webauthn_challenge",
  {
    id: text("id").primaryKey(),
    ceremony: text("ceremony", { enum: WEBAUTHN_CEREMONIES }).notNull(),
    /** Set for a registration (the signed-in account adding a passkey). */
    accountId: text("account_id").references(() => account.id, { onDelete: "cascade" }),
    challenge: text("challenge").notNull(),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    consumedAt: timestamp("consumed_at"),
  },
  (t) => [check("webauthn_challenge_ceremony", oneOf(t.ceremony, WEBAUTHN_CEREMONIES))],
);

// Vault: encrypted objects

/**
 * Every object the vault stored encrypted (workers/vault/src/envelope/README.md): where its
 * ciphertext is in R2 and the header that opens it. `wrapped_key` is the object's data key wrapped
 * under its tenant's key-encryption key of `kek_version`; no key is stored in the clear. Rotation
 * rewrites these rows, never the objects.
 */
export const vaultObject = sqliteTable(
  "vault_object",
  {
    /** The R2 key of the ciphertext in the media bucket. */
    storageKey: text("storage_key").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    kekVersion: integer("kek_version").notNull(),
    wrappedKey: text("wrapped_key").notNull(),
    chunkSize: integer("chunk_size").notNull(),
    plainSize: integer("plain_size").notNull(),
    contentType: text("content_type").notNull(),
    /** SHA-256 of the plaintext, lowercase hex: the delivery path's strong ETag. */
    sha256: text("sha256").notNull(),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    check("vault_object_sizes", sql`${t.chunkSize} > 0 and ${t.plainSize} >= 0 and ${t.kekVersion} >= 1`),
    index("vault_object_kek").on(t.tenantId, t.kekVersion),
  ],
);

/**
 * A tenant's key-encryption key versions (the keys themselves are derived, never stored). One is
 * `active` and wraps new objects; a rotation makes a new one active, re-wraps every object of the
 * old one through the `fun-vault-rewrap` queue, and retires the old one once nothing uses it.
 */
export const vaultKeyVersion = sqliteTable(
  "vault_key_version",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    state: text("state", { enum: VAULT_KEY_STATES }).notNull(),
    createdByAccountId: text("created_by_account_id"),
    createdAt: timestamp("created_at").notNull(),
    retiredAt: timestamp("retired_at"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.version] }),
    check("vault_key_version_state", oneOf(t.state, VAULT_KEY_STATES)),
    uniqueIndex("vault_key_version_active").on(t.tenantId).where(sql`${t.state} = 'active'`),
  ],
);

// Event plumbing: transactional outbox, consumer inbox, counters, dead letters

export const outbox = sqliteTable(
  "outbox",
  {
    /** The CloudEvent id (`evt_…`). */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").references(() => tenant.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** The whole CloudEvent envelope. */
    payload: json<Record<string, unknown>>("payload").notNull(),
    createdAt: timestamp("created_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at").notNull(),
    sentAt: timestamp("sent_at"),
    lastError: text("last_error"),
  },
  (t) => [index("outbox_pending").on(t.nextAttemptAt).where(sql`${t.sentAt} is null`)],
);

export const eventReceipt = sqliteTable(
  "event_receipt",
  {
    consumer: text("consumer").notNull(),
    eventId: text("event_id").notNull(),
    receivedAt: timestamp("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
);

export const eventDailyCount = sqliteTable(
  "event_daily_count",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenant.id, { onDelete: "cascade" }),
    /** `YYYY-MM-DD` in UTC. */
    day: text("day").notNull(),
    type: text("type").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.day, t.type] }),
    check("event_daily_count_day", sql`date(${t.day}) = ${t.day}`),
  ],
);

export const deadLetter = sqliteTable(
  "dead_letter",
  {
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    messageId: text("message_id").notNull(),
    body: json<unknown>("body").notNull(),
    attempts: integer("attempts").notNull(),
    failedAt: timestamp("failed_at").notNull(),
  },
  (t) => [unique("dead_letter_queue_message").on(t.queue, t.messageId)],
);

export type OAuthClientRow = typeof oauthClient.$inferSelect;
export type TenantRow = typeof tenant.$inferSelect;
export type NewTenantRow = typeof tenant.$inferInsert;
export type AccountRow = typeof account.$inferSelect;
export type NewAccountRow = typeof account.$inferInsert;
export type AccountIdentityRow = typeof accountIdentity.$inferSelect;
export type NewAccountIdentityRow = typeof accountIdentity.$inferInsert;
export type RoleRow = typeof role.$inferSelect;
export type NewRoleRow = typeof role.$inferInsert;
export type AccountRoleRow = typeof accountRole.$inferSelect;
export type NewAccountRoleRow = typeof accountRole.$inferInsert;
export type ProfileRow = typeof profile.$inferSelect;
export type NewProfileRow = typeof profile.$inferInsert;
export type ProfileTenantRow = typeof profileTenant.$inferSelect;
export type NewProfileTenantRow = typeof profileTenant.$inferInsert;
export type ContentRow = typeof content.$inferSelect;
export type NewContentRow = typeof content.$inferInsert;
export type MediaAssetRow = typeof mediaAsset.$inferSelect;
export type NewMediaAssetRow = typeof mediaAsset.$inferInsert;
export type MediaVariantRow = typeof mediaVariant.$inferSelect;
export type NewMediaVariantRow = typeof mediaVariant.$inferInsert;
export type ContentTenantMapRow = typeof contentTenantMap.$inferSelect;
export type NewContentTenantMapRow = typeof contentTenantMap.$inferInsert;
export type SubscriptionPlanRow = typeof subscriptionPlan.$inferSelect;
export type NewSubscriptionPlanRow = typeof subscriptionPlan.$inferInsert;
export type SubscriptionRow = typeof subscription.$inferSelect;
export type NewSubscriptionRow = typeof subscription.$inferInsert;
export type PurchaseRow = typeof purchase.$inferSelect;
export type NewPurchaseRow = typeof purchase.$inferInsert;
export type PayoutAccountRow = typeof payoutAccount.$inferSelect;
export type NewPayoutAccountRow = typeof payoutAccount.$inferInsert;
export type PayoutRow = typeof payout.$inferSelect;
export type NewPayoutRow = typeof payout.$inferInsert;
export type AdCampaignRow = typeof adCampaign.$inferSelect;
export type NewAdCampaignRow = typeof adCampaign.$inferInsert;
export type AdCreativeRow = typeof adCreative.$inferSelect;
export type NewAdCreativeRow = typeof adCreative.$inferInsert;
export type AdPlacementRow = typeof adPlacement.$inferSelect;
export type NewAdPlacementRow = typeof adPlacement.$inferInsert;
export type AdImpressionRow = typeof adImpression.$inferSelect;
export type NewAdImpressionRow = typeof adImpression.$inferInsert;
export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = typeof outbox.$inferInsert;
export type EventReceiptRow = typeof eventReceipt.$inferSelect;
export type NewEventReceiptRow = typeof eventReceipt.$inferInsert;
export type EventDailyCountRow = typeof eventDailyCount.$inferSelect;
export type NewEventDailyCountRow = typeof eventDailyCount.$inferInsert;
export type DeadLetterRow = typeof deadLetter.$inferSelect;
export type NewDeadLetterRow = typeof deadLetter.$inferInsert;
export type ContentLikeRow = typeof contentLike.$inferSelect;
export type FanListRow = typeof fanList.$inferSelect;
export type FanListMemberRow = typeof fanListMember.$inferSelect;
export type SearchEntryRow = typeof searchEntry.$inferSelect;
export type NotificationRow = typeof notification.$inferSelect;
export type WebhookEndpointRow = typeof webhookEndpoint.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDelivery.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempt.$inferSelect;
export type DevPushRow = typeof devPush.$inferSelect;
export type MediaFingerprintRow = typeof mediaFingerprint.$inferSelect;

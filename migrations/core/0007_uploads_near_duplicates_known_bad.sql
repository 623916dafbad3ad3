CREATE TABLE `known_bad_hash` (
	`id` text PRIMARY KEY NOT NULL,
	`list_id` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`list_id`) REFERENCES `known_bad_list`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "known_bad_hash_hex" CHECK(length("known_bad_hash"."hash") in (32, 64) and "known_bad_hash"."hash" not glob '*[^0-9a-f]*')
);
--> statement-breakpoint
CREATE INDEX `known_bad_hash_hash` ON `known_bad_hash` (`hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `known_bad_hash_entry` ON `known_bad_hash` (`list_id`,`hash`);--> statement-breakpoint
CREATE TABLE `known_bad_list` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`entry_count` integer DEFAULT 0 NOT NULL,
	`created_by_account_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by_account_id`) REFERENCES `account`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "known_bad_list_kind" CHECK("known_bad_list"."kind" in ('pdq', 'md5'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `known_bad_list_name` ON `known_bad_list` (`name`);--> statement-breakpoint
CREATE TABLE `media_pdq_index` (
	`subject_id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`hash` text NOT NULL,
	`quality` integer NOT NULL,
	`s0` integer NOT NULL,
	`s1` integer NOT NULL,
	`s2` integer NOT NULL,
	`s3` integer NOT NULL,
	`s4` integer NOT NULL,
	`s5` integer NOT NULL,
	`s6` integer NOT NULL,
	`s7` integer NOT NULL,
	`s8` integer NOT NULL,
	`s9` integer NOT NULL,
	`s10` integer NOT NULL,
	`s11` integer NOT NULL,
	`s12` integer NOT NULL,
	`s13` integer NOT NULL,
	`s14` integer NOT NULL,
	`s15` integer NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "media_pdq_index_kind" CHECK("media_pdq_index"."kind" in ('asset', 'known_bad')),
	CONSTRAINT "media_pdq_index_hash" CHECK(length("media_pdq_index"."hash") = 64 and "media_pdq_index"."hash" not glob '*[^0-9a-f]*')
);
--> statement-breakpoint
CREATE INDEX `media_pdq_index_s0` ON `media_pdq_index` (`s0`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s1` ON `media_pdq_index` (`s1`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s2` ON `media_pdq_index` (`s2`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s3` ON `media_pdq_index` (`s3`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s4` ON `media_pdq_index` (`s4`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s5` ON `media_pdq_index` (`s5`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s6` ON `media_pdq_index` (`s6`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s7` ON `media_pdq_index` (`s7`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s8` ON `media_pdq_index` (`s8`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s9` ON `media_pdq_index` (`s9`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s10` ON `media_pdq_index` (`s10`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s11` ON `media_pdq_index` (`s11`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s12` ON `media_pdq_index` (`s12`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s13` ON `media_pdq_index` (`s13`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s14` ON `media_pdq_index` (`s14`);--> statement-breakpoint
CREATE INDEX `media_pdq_index_s15` ON `media_pdq_index` (`s15`);--> statement-breakpoint
CREATE TABLE `media_upload` (
	`asset_id` text PRIMARY KEY NOT NULL,
	`transport` text NOT NULL,
	`multipart_upload_id` text,
	`part_size` integer,
	`part_count` integer DEFAULT 1 NOT NULL,
	`declared_sha256` text,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `media_asset`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "media_upload_transport" CHECK("media_upload"."transport" in ('r2-s3', 'worker')),
	CONSTRAINT "media_upload_part_count" CHECK("media_upload"."part_count" between 1 and 10000)
);
--> statement-breakpoint
CREATE INDEX `media_upload_expiry` ON `media_upload` (`expires_at`);--> statement-breakpoint
CREATE TABLE `media_upload_part` (
	`asset_id` text NOT NULL,
	`part_number` integer NOT NULL,
	`etag` text NOT NULL,
	`bytes` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`asset_id`, `part_number`),
	FOREIGN KEY (`asset_id`) REFERENCES `media_upload`(`asset_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `moderation_case` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`reason` text NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`asset_id` text,
	`content_id` text,
	`details` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`asset_id`) REFERENCES `media_asset`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`content_id`) REFERENCES `content`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "moderation_case_reason" CHECK("moderation_case"."reason" in ('known_bad_match', 'near_duplicate')),
	CONSTRAINT "moderation_case_state" CHECK("moderation_case"."state" in ('open', 'resolved', 'dismissed'))
);
--> statement-breakpoint
CREATE INDEX `moderation_case_open` ON `moderation_case` (`state`,`created_at`);--> statement-breakpoint
CREATE INDEX `moderation_case_asset` ON `moderation_case` (`asset_id`);--> statement-breakpoint
CREATE TABLE `safety_report` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`asset_id` text NOT NULL,
	`list_id` text,
	`matched_hash` text NOT NULL,
	`distance` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `moderation_case`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`list_id`) REFERENCES `known_bad_list`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "safety_report_status" CHECK("safety_report"."status" in ('pending', 'submitted'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `safety_report_match` ON `safety_report` (`asset_id`,`matched_hash`);--> statement-breakpoint
-- media_asset gains its owner and the brand it was uploaded through, and content_id becomes optional
-- (an upload may wait in the creator's library before it is attached to a post). SQLite changes NOT
-- NULL only by rebuilding the table, and D1 keeps foreign keys on during migrations, so DROP TABLE
-- would cascade to media_fingerprint and media_variant: their rows are kept aside and put back.
CREATE TABLE `__keep_media_fingerprint` AS SELECT * FROM `media_fingerprint`;--> statement-breakpoint
CREATE TABLE `__keep_media_variant` AS SELECT * FROM `media_variant`;--> statement-breakpoint
CREATE TABLE `__new_media_asset` (
	`id` text PRIMARY KEY NOT NULL,
	`content_id` text,
	`owner_profile_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`storage_key` text NOT NULL,
	`mime` text NOT NULL,
	`bytes` integer NOT NULL,
	`duration_sec` integer,
	`width` integer,
	`height` integer,
	`checksum_sha256` text,
	`perceptual_hash` text,
	`forensic_watermark` text,
	`moderation_state` text DEFAULT 'pending' NOT NULL,
	`upload_state` text DEFAULT 'uploading' NOT NULL,
	`failure_reason` text,
	`blocked_at` integer,
	`canonical_asset_id` text,
	`duplicate_state` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`content_id`) REFERENCES `content`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`canonical_asset_id`) REFERENCES `media_asset`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "media_asset_moderation_state" CHECK("moderation_state" in ('pending', 'approved', 'rejected')),
	CONSTRAINT "media_asset_upload_state" CHECK("upload_state" in ('uploading', 'stored', 'failed', 'aborted', 'expired')),
	CONSTRAINT "media_asset_duplicate_state" CHECK("duplicate_state" is null or "duplicate_state" in ('linked', 'flagged')),
	CONSTRAINT "media_asset_bytes" CHECK("bytes" >= 0),
	CONSTRAINT "media_asset_checksum" CHECK("checksum_sha256" is null or (length("checksum_sha256") = 64 and "checksum_sha256" not glob '*[^0-9a-f]*'))
);
--> statement-breakpoint
INSERT INTO `__new_media_asset` ("id", "content_id", "owner_profile_id", "tenant_id", "storage_key", "mime", "bytes", "duration_sec", "width", "height", "checksum_sha256", "perceptual_hash", "forensic_watermark", "moderation_state", "upload_state", "created_at", "updated_at")
SELECT a."id", a."content_id", c."creator_profile_id", c."canonical_tenant_id", a."storage_key", a."mime", a."bytes", a."duration_sec", a."width", a."height", a."checksum_sha256", a."perceptual_hash", a."forensic_watermark", a."moderation_state", 'stored', a."created_at", a."created_at"
FROM `media_asset` a JOIN `content` c ON c."id" = a."content_id";--> statement-breakpoint
DROP TABLE `media_asset`;--> statement-breakpoint
ALTER TABLE `__new_media_asset` RENAME TO `media_asset`;--> statement-breakpoint
INSERT INTO `media_fingerprint` SELECT * FROM `__keep_media_fingerprint`;--> statement-breakpoint
INSERT INTO `media_variant` SELECT * FROM `__keep_media_variant`;--> statement-breakpoint
DROP TABLE `__keep_media_fingerprint`;--> statement-breakpoint
DROP TABLE `__keep_media_variant`;--> statement-breakpoint
CREATE UNIQUE INDEX `media_asset_storage_key_unique` ON `media_asset` (`storage_key`);--> statement-breakpoint
CREATE INDEX `media_asset_content` ON `media_asset` (`content_id`);--> statement-breakpoint
CREATE INDEX `media_asset_owner` ON `media_asset` (`owner_profile_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `media_asset_checksum_sha256` ON `media_asset` (`checksum_sha256`);--> statement-breakpoint
ALTER TABLE `media_fingerprint` ADD `md5` text;--> statement-breakpoint
CREATE INDEX `media_fingerprint_md5` ON `media_fingerprint` (`md5`);
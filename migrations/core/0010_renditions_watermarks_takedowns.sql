CREATE TABLE `media_takedown` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`actor` text NOT NULL,
	`requested_by_account_id` text,
	`tenant_id` text,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `media_asset`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requested_by_account_id`) REFERENCES `account`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "media_takedown_actor" CHECK("media_takedown"."actor" in ('creator', 'staff', 'safety'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `media_takedown_asset_id_unique` ON `media_takedown` (`asset_id`);--> statement-breakpoint
CREATE TABLE `watermark_payload` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`asset_id` text NOT NULL,
	`content_id` text,
	`creator_profile_id` text NOT NULL,
	`recipient_profile_id` text,
	`key_version` integer NOT NULL,
	`issued_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`asset_id`) REFERENCES `media_asset`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`content_id`) REFERENCES `content`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`creator_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "watermark_payload_hex" CHECK(length("watermark_payload"."id") = 16 and "watermark_payload"."id" not glob '*[^0-9a-f]*')
);
--> statement-breakpoint
CREATE INDEX `watermark_payload_asset` ON `watermark_payload` (`asset_id`);--> statement-breakpoint
-- media_variant gains the per-buyer copy, the watermark payload and the rendition's size, and its
-- uniqueness becomes partial (one brand rendition of each kind; one copy per buyer). Nothing
-- references media_variant, so the rebuild drops nothing else.
CREATE TABLE `__new_media_variant` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`storage_key` text NOT NULL,
	`recipient_profile_id` text,
	`payload_id` text,
	`mime` text,
	`width` integer,
	`height` integer,
	`bytes` integer,
	`drm_key_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `media_asset`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "media_variant_kind" CHECK("__new_media_variant"."kind" in ('hls', 'dash', 'thumb', 'thumb_small', 'teaser', 'watermarked'))
);
--> statement-breakpoint
INSERT INTO `__new_media_variant`("id", "asset_id", "tenant_id", "kind", "storage_key", "drm_key_id", "created_at") SELECT "id", "asset_id", "tenant_id", "kind", "storage_key", "drm_key_id", "created_at" FROM `media_variant`;--> statement-breakpoint
DROP TABLE `media_variant`;--> statement-breakpoint
ALTER TABLE `__new_media_variant` RENAME TO `media_variant`;--> statement-breakpoint
CREATE UNIQUE INDEX `media_variant_storage_key_unique` ON `media_variant` (`storage_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `media_variant_rendition` ON `media_variant` (`asset_id`,`tenant_id`,`kind`) WHERE "media_variant"."recipient_profile_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX `media_variant_recipient_copy` ON `media_variant` (`asset_id`,`tenant_id`,`kind`,`recipient_profile_id`) WHERE "media_variant"."recipient_profile_id" is not null;--> statement-breakpoint
CREATE INDEX `media_variant_tenant` ON `media_variant` (`tenant_id`);--> statement-breakpoint
-- known_bad_list gains its purpose. Adding a column keeps the table (a rebuild would cascade to
-- known_bad_hash, since D1 keeps foreign keys on during migrations).
ALTER TABLE `known_bad_list` ADD `purpose` text DEFAULT 'known_bad' NOT NULL CONSTRAINT "known_bad_list_purpose" CHECK("purpose" in ('known_bad', 'takedown'));

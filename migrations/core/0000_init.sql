CREATE TABLE `account` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text COLLATE NOCASE NOT NULL,
	`phone` text,
	`password_hash` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "account_status" CHECK("account"."status" in ('active', 'disabled', 'pending'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_email_unique` ON `account` (`email`);--> statement-breakpoint
CREATE TABLE `account_identity` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`provider` text NOT NULL,
	`subject` text NOT NULL,
	`metadata` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `account`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `account_identity_account` ON `account_identity` (`account_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `account_identity_provider_subject` ON `account_identity` (`provider`,`subject`);--> statement-breakpoint
CREATE TABLE `account_role` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`role_id` text NOT NULL,
	`tenant_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `account`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `role`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_role_global_grant` ON `account_role` (`account_id`,`role_id`) WHERE "account_role"."tenant_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX `account_role_tenant_grant` ON `account_role` (`account_id`,`role_id`,`tenant_id`) WHERE "account_role"."tenant_id" is not null;--> statement-breakpoint
CREATE INDEX `account_role_tenant` ON `account_role` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `ad_campaign` (
	`id` text PRIMARY KEY NOT NULL,
	`advertiser_profile_id` text NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`budget_cents` integer NOT NULL,
	`targeting` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`advertiser_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "ad_campaign_status" CHECK("ad_campaign"."status" in ('draft', 'active', 'paused', 'completed', 'archived')),
	CONSTRAINT "ad_campaign_budget" CHECK("ad_campaign"."budget_cents" >= 0)
);
--> statement-breakpoint
CREATE INDEX `ad_campaign_advertiser` ON `ad_campaign` (`advertiser_profile_id`);--> statement-breakpoint
CREATE INDEX `ad_campaign_status_idx` ON `ad_campaign` (`status`);--> statement-breakpoint
CREATE TABLE `ad_creative` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`tenant_id` text,
	`kind` text NOT NULL,
	`asset_key` text,
	`click_url` text NOT NULL,
	`policy_state` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `ad_campaign`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "ad_creative_kind" CHECK("ad_creative"."kind" in ('image', 'video', 'text', 'native')),
	CONSTRAINT "ad_creative_policy_state" CHECK("ad_creative"."policy_state" in ('pending', 'approved', 'rejected'))
);
--> statement-breakpoint
CREATE INDEX `ad_creative_campaign` ON `ad_creative` (`campaign_id`);--> statement-breakpoint
CREATE INDEX `ad_creative_tenant` ON `ad_creative` (`tenant_id`,`policy_state`);--> statement-breakpoint
CREATE TABLE `ad_impression` (
	`id` text PRIMARY KEY NOT NULL,
	`creative_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`placement_id` text,
	`profile_id` text,
	`request_id` text,
	`ts` integer NOT NULL,
	`price_micro` integer DEFAULT 0 NOT NULL,
	`clicked_at` integer,
	`consent` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`creative_id`) REFERENCES `ad_creative`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`placement_id`) REFERENCES `ad_placement`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "ad_impression_price" CHECK("ad_impression"."price_micro" >= 0)
);
--> statement-breakpoint
CREATE INDEX `ad_impression_creative_ts` ON `ad_impression` (`creative_id`,`ts`);--> statement-breakpoint
CREATE INDEX `ad_impression_tenant_ts` ON `ad_impression` (`tenant_id`,`ts`);--> statement-breakpoint
CREATE TABLE `ad_placement` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`slot` text NOT NULL,
	`constraints` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ad_placement_tenant_slot` ON `ad_placement` (`tenant_id`,`slot`);--> statement-breakpoint
CREATE TABLE `content` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_profile_id` text NOT NULL,
	`canonical_tenant_id` text NOT NULL,
	`title` text NOT NULL,
	`caption` text,
	`price_cents` integer DEFAULT 0 NOT NULL,
	`visibility` text NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`canonical_tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "content_visibility" CHECK("content"."visibility" in ('public', 'subscribers', 'ppv')),
	CONSTRAINT "content_price" CHECK("content"."price_cents" >= 0),
	CONSTRAINT "content_ppv_priced" CHECK("content"."visibility" <> 'ppv' or "content"."price_cents" > 0)
);
--> statement-breakpoint
CREATE INDEX `content_creator` ON `content` (`creator_profile_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `content_canonical_tenant` ON `content` (`canonical_tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `content_tenant_map` (
	`id` text PRIMARY KEY NOT NULL,
	`content_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`status` text NOT NULL,
	`publish_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`content_id`) REFERENCES `content`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "content_tenant_map_status" CHECK("content_tenant_map"."status" in ('published', 'scheduled', 'hidden')),
	CONSTRAINT "content_tenant_map_scheduled" CHECK("content_tenant_map"."status" <> 'scheduled' or "content_tenant_map"."publish_at" is not null)
);
--> statement-breakpoint
CREATE INDEX `content_tenant_map_feed` ON `content_tenant_map` (`tenant_id`,`status`,`publish_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `content_tenant_map_content_tenant` ON `content_tenant_map` (`content_id`,`tenant_id`);--> statement-breakpoint
CREATE TABLE `dead_letter` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`message_id` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`failed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dead_letter_queue_message` ON `dead_letter` (`queue`,`message_id`);--> statement-breakpoint
CREATE TABLE `event_daily_count` (
	`tenant_id` text NOT NULL,
	`day` text NOT NULL,
	`type` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`, `type`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "event_daily_count_day" CHECK(date("event_daily_count"."day") = "event_daily_count"."day")
);
--> statement-breakpoint
CREATE TABLE `event_receipt` (
	`consumer` text NOT NULL,
	`event_id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`consumer`, `event_id`)
);
--> statement-breakpoint
CREATE TABLE `media_asset` (
	`id` text PRIMARY KEY NOT NULL,
	`content_id` text NOT NULL,
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
	`created_at` integer NOT NULL,
	FOREIGN KEY (`content_id`) REFERENCES `content`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "media_asset_moderation_state" CHECK("media_asset"."moderation_state" in ('pending', 'approved', 'rejected')),
	CONSTRAINT "media_asset_bytes" CHECK("media_asset"."bytes" >= 0),
	CONSTRAINT "media_asset_checksum" CHECK("media_asset"."checksum_sha256" is null or (length("media_asset"."checksum_sha256") = 64 and "media_asset"."checksum_sha256" not glob '*[^0-9a-f]*'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `media_asset_storage_key_unique` ON `media_asset` (`storage_key`);--> statement-breakpoint
CREATE INDEX `media_asset_content` ON `media_asset` (`content_id`);--> statement-breakpoint
CREATE INDEX `media_asset_checksum_sha256` ON `media_asset` (`checksum_sha256`);--> statement-breakpoint
CREATE TABLE `media_variant` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`storage_key` text NOT NULL,
	`drm_key_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `media_asset`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "media_variant_kind" CHECK("media_variant"."kind" in ('hls', 'dash', 'thumb', 'teaser', 'watermarked'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `media_variant_storage_key_unique` ON `media_variant` (`storage_key`);--> statement-breakpoint
CREATE INDEX `media_variant_tenant` ON `media_variant` (`tenant_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `media_variant_rendition` ON `media_variant` (`asset_id`,`tenant_id`,`kind`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`sent_at` integer,
	`last_error` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`next_attempt_at`) WHERE "outbox"."sent_at" is null;--> statement-breakpoint
CREATE TABLE `payout` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`payout_account_id` text,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`scheduled_for` text,
	`provider_batch_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`payout_account_id`) REFERENCES `payout_account`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "payout_status" CHECK("payout"."status" in ('requested', 'scheduled', 'processing', 'paid', 'failed', 'canceled')),
	CONSTRAINT "payout_amount" CHECK("payout"."amount_cents" > 0),
	CONSTRAINT "payout_currency" CHECK("payout"."currency" glob '[A-Z][A-Z][A-Z]'),
	CONSTRAINT "payout_scheduled_for" CHECK("payout"."scheduled_for" is null or date("payout"."scheduled_for") = "payout"."scheduled_for")
);
--> statement-breakpoint
CREATE INDEX `payout_profile` ON `payout` (`profile_id`,`status`);--> statement-breakpoint
CREATE TABLE `payout_account` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`provider` text NOT NULL,
	`external_account_id` text NOT NULL,
	`kyc_status` text DEFAULT 'pending' NOT NULL,
	`country` text NOT NULL,
	`last4` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "payout_account_kyc_status" CHECK("payout_account"."kyc_status" in ('pending', 'verified', 'rejected', 'restricted')),
	CONSTRAINT "payout_account_country" CHECK("payout_account"."country" glob '[A-Z][A-Z]'),
	CONSTRAINT "payout_account_last4" CHECK("payout_account"."last4" is null or "payout_account"."last4" glob '[0-9][0-9][0-9][0-9]')
);
--> statement-breakpoint
CREATE INDEX `payout_account_profile` ON `payout_account` (`profile_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payout_account_external` ON `payout_account` (`provider`,`external_account_id`);--> statement-breakpoint
CREATE TABLE `profile` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`handle` text COLLATE NOCASE NOT NULL,
	`display_name` text NOT NULL,
	`bio` text,
	`type` text NOT NULL,
	`flags` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `account`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "profile_type" CHECK("profile"."type" in ('creator', 'fan', 'staff')),
	CONSTRAINT "profile_handle_format" CHECK(length("profile"."handle") between 3 and 30 and "profile"."handle" not glob '*[^A-Za-z0-9_]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profile_handle_unique` ON `profile` (`handle`);--> statement-breakpoint
CREATE INDEX `profile_account` ON `profile` (`account_id`);--> statement-breakpoint
CREATE TABLE `profile_tenant` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`is_visible` integer DEFAULT true NOT NULL,
	`settings` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `profile_tenant_tenant` ON `profile_tenant` (`tenant_id`,`is_visible`);--> statement-breakpoint
CREATE UNIQUE INDEX `profile_tenant_presence` ON `profile_tenant` (`profile_id`,`tenant_id`);--> statement-breakpoint
CREATE TABLE `purchase` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`fan_profile_id` text NOT NULL,
	`creator_profile_id` text NOT NULL,
	`kind` text NOT NULL,
	`content_id` text,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`fan_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`creator_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`content_id`) REFERENCES `content`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "purchase_kind" CHECK("purchase"."kind" in ('ppv', 'tip', 'bundle')),
	CONSTRAINT "purchase_status" CHECK("purchase"."status" in ('pending', 'succeeded', 'failed', 'refunded', 'disputed')),
	CONSTRAINT "purchase_amount" CHECK("purchase"."amount_cents" > 0),
	CONSTRAINT "purchase_currency" CHECK("purchase"."currency" glob '[A-Z][A-Z][A-Z]'),
	CONSTRAINT "purchase_ppv_content" CHECK("purchase"."kind" <> 'ppv' or "purchase"."content_id" is not null)
);
--> statement-breakpoint
CREATE INDEX `purchase_fan_content` ON `purchase` (`fan_profile_id`,`content_id`);--> statement-breakpoint
CREATE INDEX `purchase_creator` ON `purchase` (`creator_profile_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `purchase_tenant` ON `purchase` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `purchase_provider_ref` ON `purchase` (`provider`,`provider_ref`);--> statement-breakpoint
CREATE TABLE `role` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`permissions` text DEFAULT '[]' NOT NULL,
	CONSTRAINT "role_scope" CHECK("role"."scope" in ('global', 'tenant'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `role_name_unique` ON `role` (`name`);--> statement-breakpoint
CREATE TABLE `subscription` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`fan_profile_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`status` text NOT NULL,
	`current_period_end` integer,
	`provider` text,
	`provider_ref` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`fan_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `subscription_plan`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "subscription_status" CHECK("subscription"."status" in ('incomplete', 'active', 'past_due', 'canceled', 'expired'))
);
--> statement-breakpoint
CREATE INDEX `subscription_by_fan` ON `subscription` (`fan_profile_id`,`status`);--> statement-breakpoint
CREATE INDEX `subscription_by_plan` ON `subscription` (`plan_id`,`status`);--> statement-breakpoint
CREATE INDEX `subscription_tenant` ON `subscription` (`tenant_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscription_provider_ref` ON `subscription` (`provider`,`provider_ref`);--> statement-breakpoint
CREATE TABLE `subscription_plan` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_profile_id` text NOT NULL,
	`name` text NOT NULL,
	`price_cents` integer NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`interval` text NOT NULL,
	`perks` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creator_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "subscription_plan_interval" CHECK("subscription_plan"."interval" in ('week', 'month', 'quarter', 'year')),
	CONSTRAINT "subscription_plan_price" CHECK("subscription_plan"."price_cents" >= 0),
	CONSTRAINT "subscription_plan_currency" CHECK("subscription_plan"."currency" glob '[A-Z][A-Z][A-Z]')
);
--> statement-breakpoint
CREATE INDEX `subscription_plan_creator` ON `subscription_plan` (`creator_profile_id`,`active`);--> statement-breakpoint
CREATE TABLE `tenant` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "tenant_slug_format" CHECK("tenant"."slug" glob '[a-z]*' and "tenant"."slug" not glob '*[^a-z0-9-]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenant_slug_unique` ON `tenant` (`slug`);
CREATE TABLE `content_like` (
	`content_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`content_id`, `tenant_id`, `profile_id`),
	FOREIGN KEY (`content_id`) REFERENCES `content`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `content_like_profile` ON `content_like` (`profile_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `dev_push` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`url` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dev_push_profile` ON `dev_push` (`profile_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `fan_list` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_profile_id` text NOT NULL,
	`name` text COLLATE NOCASE NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "fan_list_name" CHECK(length(trim("fan_list"."name")) between 1 and 60)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fan_list_creator_name` ON `fan_list` (`creator_profile_id`,`name`);--> statement-breakpoint
CREATE TABLE `fan_list_member` (
	`list_id` text NOT NULL,
	`fan_profile_id` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`list_id`, `fan_profile_id`),
	FOREIGN KEY (`list_id`) REFERENCES `fan_list`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`fan_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `fan_list_member_fan` ON `fan_list_member` (`fan_profile_id`);--> statement-breakpoint
CREATE TABLE `notification` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`actor_profile_id` text,
	`subject_id` text,
	`event_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "notification_kind" CHECK("notification"."kind" in ('new_follower', 'new_post', 'crosspost_done'))
);
--> statement-breakpoint
CREATE INDEX `notification_inbox` ON `notification` (`profile_id`,`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `notification_unread` ON `notification` (`profile_id`,`tenant_id`) WHERE "notification"."read_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX `notification_event_recipient` ON `notification` (`event_id`,`profile_id`,`tenant_id`);--> statement-breakpoint
CREATE TABLE `search_entry` (
	`id` integer PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`owner_profile_id` text NOT NULL,
	`indexed_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "search_entry_kind" CHECK("search_entry"."kind" in ('profile', 'content'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_entry_subject` ON `search_entry` (`subject_id`,`tenant_id`);--> statement-breakpoint
CREATE TABLE `webhook_attempt` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	`attempted_at` integer NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_delivery`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_attempt_number` ON `webhook_attempt` (`delivery_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `webhook_delivery` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoint`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "webhook_delivery_status" CHECK("webhook_delivery"."status" in ('pending', 'succeeded', 'dead'))
);
--> statement-breakpoint
CREATE INDEX `webhook_delivery_log` ON `webhook_delivery` (`endpoint_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_delivery_due` ON `webhook_delivery` (`next_attempt_at`) WHERE "webhook_delivery"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_delivery_endpoint_event` ON `webhook_delivery` (`endpoint_id`,`event_id`);--> statement-breakpoint
CREATE TABLE `webhook_endpoint` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`url` text NOT NULL,
	`description` text,
	`event_types` text DEFAULT '[]' NOT NULL,
	`secret_sealed` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "webhook_endpoint_status" CHECK("webhook_endpoint"."status" in ('active', 'disabled'))
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoint_tenant` ON `webhook_endpoint` (`tenant_id`,`status`);--> statement-breakpoint
ALTER TABLE `content` ADD `rating` text DEFAULT 'explicit' NOT NULL CONSTRAINT "content_rating" CHECK(`rating` in ('general', 'explicit'));--> statement-breakpoint
ALTER TABLE `content_tenant_map` ADD `like_count` integer DEFAULT 0 NOT NULL CONSTRAINT "content_tenant_map_likes" CHECK(`like_count` >= 0);--> statement-breakpoint
ALTER TABLE `content_tenant_map` ADD `rank_score` real GENERATED ALWAYS AS (coalesce(publish_at, 0) / 45000000.0 + log10(1 + like_count)) VIRTUAL;--> statement-breakpoint
DROP INDEX `content_tenant_map_feed`;--> statement-breakpoint
CREATE INDEX `content_tenant_map_latest` ON `content_tenant_map` (`tenant_id`,`status`,`publish_at`,`content_id`);--> statement-breakpoint
CREATE INDEX `content_tenant_map_ranked` ON `content_tenant_map` (`tenant_id`,`status`,`rank_score`,`content_id`);--> statement-breakpoint
-- The search index's text (drizzle has no virtual tables): rowid = search_entry.id. `scope` holds
-- filter tokens (brand, kind, rating) so tenancy and safe search are part of the MATCH itself.
CREATE VIRTUAL TABLE `search_fts` USING fts5(`scope`, `title`, `body`, `tags`, tokenize = 'unicode61 remove_diacritics 2');

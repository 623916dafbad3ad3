CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_account_id` text,
	`tenant_id` text,
	`action` text NOT NULL,
	`subject_table` text,
	`subject_id` text,
	`ip` text,
	`user_agent` text,
	`at` integer NOT NULL,
	`data` text,
	`prev_hash` text,
	`hash` text NOT NULL,
	CONSTRAINT "audit_log_hash" CHECK(length("audit_log"."hash") = 64 and "audit_log"."hash" not glob '*[^0-9a-f]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_hash_unique` ON `audit_log` (`hash`);--> statement-breakpoint
CREATE INDEX `audit_log_subject` ON `audit_log` (`subject_table`,`subject_id`);--> statement-breakpoint
CREATE INDEX `audit_log_actor` ON `audit_log` (`actor_account_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_tenant` ON `audit_log` (`tenant_id`,`at`);--> statement-breakpoint
CREATE TABLE `identity_verification` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`vendor` text NOT NULL,
	`vendor_ref` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`check_type` text NOT NULL,
	`result` text,
	`started_at` integer NOT NULL,
	`completed_at` integer,
	CONSTRAINT "identity_verification_status" CHECK("identity_verification"."status" in ('pending', 'verified', 'rejected', 'expired')),
	CONSTRAINT "identity_verification_check_type" CHECK("identity_verification"."check_type" in ('KYC', 'Age', 'KYB')),
	CONSTRAINT "identity_verification_completed" CHECK("identity_verification"."status" = 'pending' or "identity_verification"."completed_at" is not null)
);
--> statement-breakpoint
CREATE INDEX `identity_verification_account` ON `identity_verification` (`account_id`,`check_type`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `identity_verification_vendor_ref` ON `identity_verification` (`vendor`,`vendor_ref`);--> statement-breakpoint
CREATE TABLE `model_release` (
	`id` text PRIMARY KEY NOT NULL,
	`content_id` text NOT NULL,
	`performer_profile_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`signed_at` integer NOT NULL,
	`documents` text NOT NULL,
	`jurisdiction` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `model_release_performer` ON `model_release` (`performer_profile_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `model_release_content_performer` ON `model_release` (`content_id`,`performer_profile_id`);--> statement-breakpoint
CREATE TABLE `record_2257` (
	`id` text PRIMARY KEY NOT NULL,
	`content_id` text NOT NULL,
	`custodian_account_id` text NOT NULL,
	`location_uri` text NOT NULL,
	`index_metadata` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `record_2257_content` ON `record_2257` (`content_id`);--> statement-breakpoint
CREATE INDEX `record_2257_custodian` ON `record_2257` (`custodian_account_id`);
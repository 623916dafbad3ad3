CREATE TABLE `checkout_session` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`fan_profile_id` text NOT NULL,
	`creator_profile_id` text NOT NULL,
	`kind` text NOT NULL,
	`plan_id` text,
	`content_id` text,
	`subscription_id` text,
	`purchase_id` text,
	`promo_code_id` text,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`url` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`fan_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`creator_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `subscription_plan`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`content_id`) REFERENCES `content`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "checkout_session_kind" CHECK("checkout_session"."kind" in ('subscription', 'ppv', 'tip')),
	CONSTRAINT "checkout_session_status" CHECK("checkout_session"."status" in ('open', 'completed', 'expired')),
	CONSTRAINT "checkout_session_amount" CHECK("checkout_session"."amount_cents" > 0),
	CONSTRAINT "checkout_session_currency" CHECK("checkout_session"."currency" glob '[A-Z][A-Z][A-Z]')
);
--> statement-breakpoint
CREATE INDEX `checkout_session_fan` ON `checkout_session` (`fan_profile_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `checkout_session_provider_ref` ON `checkout_session` (`provider`,`provider_ref`);--> statement-breakpoint
CREATE TABLE `commerce_sale` (
	`sale_key` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`payment_ref` text NOT NULL,
	`creator_profile_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`source` text NOT NULL,
	`gross_cents` integer NOT NULL,
	`platform_fee_cents` integer NOT NULL,
	`processor_fee_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`purchase_id` text,
	`subscription_id` text,
	`occurred_at` integer NOT NULL,
	FOREIGN KEY (`creator_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `commerce_sale_creator` ON `commerce_sale` (`creator_profile_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `commerce_sale_time` ON `commerce_sale` (`occurred_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `commerce_sale_payment` ON `commerce_sale` (`provider`,`payment_ref`);--> statement-breakpoint
CREATE TABLE `payment_event` (
	`provider` text NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`outcome` text NOT NULL,
	`created_at` integer NOT NULL,
	`applied_at` integer NOT NULL,
	PRIMARY KEY(`provider`, `event_id`),
	CONSTRAINT "payment_event_outcome" CHECK("payment_event"."outcome" in ('applied', 'ignored'))
);
--> statement-breakpoint
CREATE TABLE `payment_event_deferred` (
	`provider` text NOT NULL,
	`event_id` text NOT NULL,
	`waiting_on` text NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`provider`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `payment_event_waiting` ON `payment_event_deferred` (`waiting_on`);--> statement-breakpoint
CREATE TABLE `promo_code` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`creator_profile_id` text NOT NULL,
	`plan_id` text,
	`code` text COLLATE NOCASE NOT NULL,
	`kind` text NOT NULL,
	`value` integer NOT NULL,
	`expires_at` integer,
	`max_redemptions` integer,
	`redemptions` integer DEFAULT 0 NOT NULL,
	`new_subscribers_only` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`creator_profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `subscription_plan`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "promo_code_kind" CHECK("promo_code"."kind" in ('percent', 'fixed')),
	CONSTRAINT "promo_code_value" CHECK("promo_code"."value" > 0 and ("promo_code"."kind" <> 'percent' or "promo_code"."value" <= 10000)),
	CONSTRAINT "promo_code_format" CHECK("promo_code"."code" glob '[A-Za-z0-9]*' and length("promo_code"."code") between 3 and 32),
	CONSTRAINT "promo_code_cap" CHECK("promo_code"."max_redemptions" is null or "promo_code"."redemptions" <= "promo_code"."max_redemptions")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `promo_code_per_creator` ON `promo_code` (`tenant_id`,`creator_profile_id`,`code`);--> statement-breakpoint
CREATE TABLE `reconciliation_report` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`day` text NOT NULL,
	`checked` integer NOT NULL,
	`differences` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reconciliation_report_day` ON `reconciliation_report` (`provider`,`day`);--> statement-breakpoint
CREATE TABLE `sandbox_record` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sandbox_record_kind` ON `sandbox_record` (`kind`,`created_at`);--> statement-breakpoint
ALTER TABLE `payout` ADD `provider` text;--> statement-breakpoint
ALTER TABLE `payout` ADD `provider_ref` text;--> statement-breakpoint
ALTER TABLE `payout` ADD `origin` text;--> statement-breakpoint
ALTER TABLE `payout` ADD `failure_reason` text;--> statement-breakpoint
CREATE INDEX `payout_provider_ref` ON `payout` (`provider_ref`);--> statement-breakpoint
ALTER TABLE `payout_account` ADD `payouts_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `payout_account` ADD `updated_at` integer;--> statement-breakpoint
ALTER TABLE `purchase` ADD `checkout_id` text;--> statement-breakpoint
ALTER TABLE `purchase` ADD `message` text;--> statement-breakpoint
CREATE INDEX `purchase_checkout` ON `purchase` (`checkout_id`);--> statement-breakpoint
ALTER TABLE `subscription` ADD `checkout_id` text;--> statement-breakpoint
ALTER TABLE `subscription` ADD `months` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `subscription` ADD `cancel_at_period_end` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `subscription` ADD `provider_state_at` integer;--> statement-breakpoint
CREATE INDEX `subscription_checkout` ON `subscription` (`checkout_id`);--> statement-breakpoint
ALTER TABLE `subscription_plan` ADD `tenant_id` text REFERENCES tenant(id);--> statement-breakpoint
ALTER TABLE `subscription_plan` ADD `trial_days` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `subscription_plan` ADD `bundles` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `subscription_plan` ADD `updated_at` integer;
CREATE TABLE `vault_key_version` (
	`tenant_id` text NOT NULL,
	`version` integer NOT NULL,
	`state` text NOT NULL,
	`created_by_account_id` text,
	`created_at` integer NOT NULL,
	`retired_at` integer,
	PRIMARY KEY(`tenant_id`, `version`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "vault_key_version_state" CHECK("vault_key_version"."state" in ('active', 'retiring', 'retired'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vault_key_version_active` ON `vault_key_version` (`tenant_id`) WHERE "vault_key_version"."state" = 'active';
CREATE TABLE `vault_object` (
	`storage_key` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kek_version` integer NOT NULL,
	`wrapped_key` text NOT NULL,
	`chunk_size` integer NOT NULL,
	`plain_size` integer NOT NULL,
	`content_type` text NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "vault_object_sizes" CHECK("vault_object"."chunk_size" > 0 and "vault_object"."plain_size" >= 0 and "vault_object"."kek_version" >= 1)
);
--> statement-breakpoint
CREATE INDEX `vault_object_kek` ON `vault_object` (`tenant_id`,`kek_version`);
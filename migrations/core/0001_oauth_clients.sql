CREATE TABLE `oauth_client` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`first_party` integer DEFAULT false NOT NULL,
	`redirect_uris` text NOT NULL,
	`post_logout_redirect_uris` text DEFAULT '[]' NOT NULL,
	`grant_types` text NOT NULL,
	`secret_hash` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "oauth_client_type" CHECK("oauth_client"."type" in ('public', 'confidential')),
	CONSTRAINT "oauth_client_secret" CHECK(("oauth_client"."type" = 'public' and "oauth_client"."secret_hash" is null) or ("oauth_client"."type" = 'confidential' and "oauth_client"."secret_hash" is not null)),
	CONSTRAINT "oauth_client_id_format" CHECK("oauth_client"."id" not glob '*[^a-z0-9-]*' and length("oauth_client"."id") between 3 and 64)
);
--> statement-breakpoint
CREATE INDEX `oauth_client_tenant` ON `oauth_client` (`tenant_id`);
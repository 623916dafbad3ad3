CREATE TABLE `media_fingerprint` (
	`asset_id` text PRIMARY KEY NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`sha256` text,
	`pdq` text,
	`pdq_quality` integer,
	`pdq_dihedral` text,
	`phash` text,
	`mime` text,
	`bytes` integer,
	`width` integer,
	`height` integer,
	`failure_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `media_asset`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "media_fingerprint_status" CHECK("media_fingerprint"."status" in ('pending', 'ready', 'failed')),
	CONSTRAINT "media_fingerprint_pdq" CHECK("media_fingerprint"."pdq" is null or (length("media_fingerprint"."pdq") = 64 and "media_fingerprint"."pdq" not glob '*[^0-9a-f]*')),
	CONSTRAINT "media_fingerprint_phash" CHECK("media_fingerprint"."phash" is null or (length("media_fingerprint"."phash") = 16 and "media_fingerprint"."phash" not glob '*[^0-9a-f]*'))
);
--> statement-breakpoint
CREATE INDEX `media_fingerprint_sha256` ON `media_fingerprint` (`sha256`);
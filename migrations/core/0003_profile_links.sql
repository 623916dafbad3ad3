CREATE TABLE `profile_link` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`title` text NOT NULL,
	`url` text NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "profile_link_url" CHECK("profile_link"."url" glob 'https://*'),
	CONSTRAINT "profile_link_title" CHECK(length("profile_link"."title") between 1 and 80)
);
--> statement-breakpoint
CREATE INDEX `profile_link_profile` ON `profile_link` (`profile_id`,`position`);
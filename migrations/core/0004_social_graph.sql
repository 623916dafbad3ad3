CREATE TABLE `block` (
	`blocker_id` text NOT NULL,
	`blocked_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`blocker_id`, `blocked_id`),
	FOREIGN KEY (`blocker_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`blocked_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "block_not_self" CHECK("block"."blocker_id" <> "block"."blocked_id")
);
--> statement-breakpoint
CREATE INDEX `block_blocked` ON `block` (`blocked_id`);--> statement-breakpoint
CREATE TABLE `follow` (
	`follower_id` text NOT NULL,
	`followee_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`follower_id`, `followee_id`),
	FOREIGN KEY (`follower_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`followee_id`) REFERENCES `profile`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "follow_not_self" CHECK("follow"."follower_id" <> "follow"."followee_id")
);
--> statement-breakpoint
CREATE INDEX `follow_followee` ON `follow` (`followee_id`,`created_at`);
CREATE TABLE `branch_members` (
	`branch_id` text NOT NULL,
	`operator_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`branch_id`, `operator_id`),
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `branch_members_operator_idx` ON `branch_members` (`operator_id`,`branch_id`);--> statement-breakpoint
CREATE TABLE `branches` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`name` text NOT NULL,
	`schedule` text NOT NULL,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `branches_inbox_idx` ON `branches` (`inbox_id`,`name`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `branch_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `country` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `region` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `city` text;--> statement-breakpoint
CREATE INDEX `conversations_queue_idx` ON `conversations` (`branch_id`,`created_at`,`id`) WHERE "conversations"."status_rank" = 0 and "conversations"."assignee_id" is null;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `default_branch_id` text;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `geo_rules` text DEFAULT '[]' NOT NULL;
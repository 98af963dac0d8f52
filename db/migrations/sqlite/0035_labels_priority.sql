CREATE TABLE `labels` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`color` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `labels_inbox_name_uq` ON `labels` (`inbox_id`,`name_key`);--> statement-breakpoint
DROP INDEX `conversations_queue_idx`;--> statement-breakpoint
ALTER TABLE `conversations` ADD `priority` integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `labels` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE INDEX `conversations_queue_idx` ON `conversations` (`branch_id`,`priority`,`created_at`,`id`) WHERE "conversations"."status_rank" = 0 and "conversations"."assignee_id" is null;
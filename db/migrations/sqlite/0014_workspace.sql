CREATE TABLE `canned_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text,
	`owner_id` text,
	`shortcut` text NOT NULL,
	`title` text NOT NULL,
	`text` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `canned_replies_inbox_uq` ON `canned_replies` (`inbox_id`,`shortcut`) WHERE "canned_replies"."owner_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX `canned_replies_owner_uq` ON `canned_replies` (`owner_id`,`shortcut`) WHERE "canned_replies"."owner_id" is not null;--> statement-breakpoint
ALTER TABLE `conversations` ADD `waiting_since` integer;
CREATE TABLE `attribute_definitions` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`options` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attribute_definitions_key_uq` ON `attribute_definitions` (`inbox_id`,`scope`,`key`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `attributes` text;
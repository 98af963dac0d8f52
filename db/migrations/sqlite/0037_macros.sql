CREATE TABLE `macros` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`actions` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `macros_inbox_name_uq` ON `macros` (`inbox_id`,`name_key`);
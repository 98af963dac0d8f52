CREATE TABLE `help_images` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text,
	`name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`width` integer,
	`height` integer,
	`sha256` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `help_images_unused_idx` ON `help_images` (`used_at`,`created_at`);
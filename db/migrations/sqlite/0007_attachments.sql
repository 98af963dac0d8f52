CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`status` text NOT NULL,
	`uploader_kind` text NOT NULL,
	`uploader_id` text NOT NULL,
	`message_id` text,
	`name` text NOT NULL,
	`size` integer NOT NULL,
	`content_type` text NOT NULL,
	`width` integer,
	`height` integer,
	`sha256` text NOT NULL,
	`thumbnail_size` integer,
	`created_at` integer NOT NULL,
	`purge_at` integer,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attachments_purge_idx` ON `attachments` (`status`,`purge_at`);--> statement-breakpoint
CREATE INDEX `attachments_message_idx` ON `attachments` (`conversation_id`,`message_id`);--> statement-breakpoint
ALTER TABLE `events` ADD `attachments` text;
ALTER TABLE `events` ADD `message_seq` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `author_kind` text;--> statement-breakpoint
ALTER TABLE `events` ADD `author_id` text;--> statement-breakpoint
ALTER TABLE `events` ADD `text` text;--> statement-breakpoint
ALTER TABLE `events` ADD `client_msg_id` text;--> statement-breakpoint
ALTER TABLE `events` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `deleted_by_kind` text;--> statement-breakpoint
ALTER TABLE `events` ADD `deleted_by_id` text;
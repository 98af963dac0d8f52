CREATE TABLE `campaign_views` (
	`campaign_id` text NOT NULL,
	`visitor_id` text NOT NULL,
	`shown_at` integer NOT NULL,
	PRIMARY KEY(`campaign_id`, `visitor_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`visitor_id`) REFERENCES `visitors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `campaign_views_visitor_idx` ON `campaign_views` (`visitor_id`,`shown_at`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`text` text NOT NULL,
	`sender_id` text,
	`enabled` integer DEFAULT true NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`rules` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sender_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaigns_inbox_name_uq` ON `campaigns` (`inbox_id`,`name_key`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `campaign_id` text;--> statement-breakpoint
CREATE INDEX `conversations_campaign_idx` ON `conversations` (`campaign_id`,`created_at`) WHERE "conversations"."campaign_id" is not null;
CREATE TABLE `sla_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`name` text NOT NULL,
	`first_response_minutes` integer,
	`next_response_minutes` integer,
	`resolution_minutes` integer,
	`business_hours` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sla_policies_inbox_idx` ON `sla_policies` (`inbox_id`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `sla` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `sla_due` integer;--> statement-breakpoint
CREATE INDEX `conversations_sla_idx` ON `conversations` (`inbox_id`,`sla_due`,`id`) WHERE "conversations"."sla_due" is not null;
CREATE TABLE `inbox_members` (
	`inbox_id` text NOT NULL,
	`operator_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`inbox_id`, `operator_id`),
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inbox_members_operator_idx` ON `inbox_members` (`operator_id`,`inbox_id`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `escalation_at` integer;--> statement-breakpoint
CREATE INDEX `conversations_routing_idx` ON `conversations` (`inbox_id`,`status_rank`,`assignee_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_escalation_idx` ON `conversations` (`inbox_id`,`escalation_at`,`id`) WHERE "conversations"."escalation_at" is not null;--> statement-breakpoint
ALTER TABLE `operators` ADD `status` text DEFAULT 'online' NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_unread_idx` ON `messages` (`conversation_id`,`author_kind`,`deleted_at`,`seq`);
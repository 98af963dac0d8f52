CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`visitor_id` text NOT NULL,
	`status` text NOT NULL,
	`status_rank` integer NOT NULL,
	`assignee_id` text,
	`last_seq` integer NOT NULL,
	`has_unanswered_incoming` integer NOT NULL,
	`last_message_at` integer,
	`last_activity_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`owner_epoch` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversations_visitor_idx` ON `conversations` (`visitor_id`,"last_activity_at" desc,`id`);--> statement-breakpoint
CREATE INDEX `conversations_inbox_order_idx` ON `conversations` (`inbox_id`,`status_rank`,"last_activity_at" desc,`id`);--> statement-breakpoint
CREATE INDEX `conversations_order_idx` ON `conversations` (`status_rank`,"last_activity_at" desc,`id`);--> statement-breakpoint
CREATE INDEX `conversations_unanswered_idx` ON `conversations` (`has_unanswered_incoming`,`status_rank`,"last_activity_at" desc,`id`);--> statement-breakpoint
CREATE TABLE `events` (
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`name` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL,
	`message_id` text,
	PRIMARY KEY(`conversation_id`, `seq`),
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `inboxes` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`identity_secret` text NOT NULL,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`author_kind` text NOT NULL,
	`author_id` text NOT NULL,
	`text` text NOT NULL,
	`client_msg_id` text,
	`created_at` integer NOT NULL,
	`edited_at` integer,
	`deleted_at` integer,
	`deleted_by_kind` text,
	`deleted_by_id` text,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_conversation_seq_uq` ON `messages` (`conversation_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_client_msg_uq` ON `messages` (`conversation_id`,`author_kind`,`author_id`,`client_msg_id`);--> statement-breakpoint
CREATE TABLE `operator_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`operator_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `operator_sessions_operator_idx` ON `operator_sessions` (`operator_id`);--> statement-breakpoint
CREATE INDEX `operator_sessions_expires_idx` ON `operator_sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `operators` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`can_chat` integer NOT NULL,
	`active` integer NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "operators_email_lower" CHECK("operators"."email" = lower("operators"."email"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `operators_email_unique` ON `operators` (`email`);--> statement-breakpoint
CREATE TABLE `read_states` (
	`conversation_id` text NOT NULL,
	`reader_kind` text NOT NULL,
	`reader_id` text NOT NULL,
	`delivered_seq` integer NOT NULL,
	`read_seq` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `reader_kind`, `reader_id`),
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `visitors` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`external_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `visitors_inbox_external_uq` ON `visitors` (`inbox_id`,`external_id`);
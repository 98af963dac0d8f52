CREATE TABLE `rule_marks` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`from_seq` integer NOT NULL,
	`seq` integer NOT NULL,
	`marked_at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rule_runs` (
	`rule_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`trigger` text NOT NULL,
	`at` integer NOT NULL,
	`outcome` text NOT NULL,
	`error` text,
	PRIMARY KEY(`conversation_id`, `trigger`, `rule_id`),
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rule_runs_at` ON `rule_runs` (`at`);--> statement-breakpoint
CREATE TABLE `rules` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`enabled` integer NOT NULL,
	`position` integer NOT NULL,
	`event` text NOT NULL,
	`wait_minutes` integer,
	`conditions` text NOT NULL,
	`actions` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`runs` integer DEFAULT 0 NOT NULL,
	`last_run_at` integer,
	`last_error` text,
	`last_error_at` integer,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rules_inbox_name_uq` ON `rules` (`inbox_id`,`name_key`);
CREATE TABLE `analytics_load` (
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`inbox_id` text NOT NULL,
	`operator_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`channel` text NOT NULL,
	`country` text NOT NULL,
	`region` text NOT NULL,
	`from_at` integer NOT NULL,
	`until_at` integer,
	PRIMARY KEY(`conversation_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `analytics_load_until_idx` ON `analytics_load` (`until_at`,`from_at`,`inbox_id`,`operator_id`,`branch_id`,`channel`,`country`,`region`);--> statement-breakpoint
CREATE TABLE `analytics_presence` (
	`operator_id` text NOT NULL,
	`at` integer NOT NULL,
	`status` text NOT NULL,
	`until_at` integer NOT NULL,
	PRIMARY KEY(`operator_id`, `at`)
);
--> statement-breakpoint
CREATE INDEX `analytics_presence_until_idx` ON `analytics_presence` (`until_at`,`at`,`operator_id`,`status`);--> statement-breakpoint
DROP INDEX `analytics_conversations_created_idx`;--> statement-breakpoint
DROP INDEX `analytics_conversations_response_idx`;--> statement-breakpoint
DROP INDEX `analytics_conversations_resolved_idx`;--> statement-breakpoint
DROP INDEX `analytics_conversations_assigned_idx`;--> statement-breakpoint
CREATE INDEX `analytics_conversations_created_idx` ON `analytics_conversations` (`inbox_id`,`created_at`,`offline`,`first_response_at`,`first_assignee_id`,`branch_id`,`channel`,`country`,`region`);--> statement-breakpoint
CREATE INDEX `analytics_conversations_response_idx` ON `analytics_conversations` (`inbox_id`,`first_response_at`,`first_response_ms`,`first_response_business_ms`,`first_responder_id`,`branch_id`,`channel`,`country`,`region`);--> statement-breakpoint
CREATE INDEX `analytics_conversations_resolved_idx` ON `analytics_conversations` (`inbox_id`,`first_resolved_at`,`resolution_ms`,`resolution_operator_id`,`branch_id`,`channel`,`country`,`region`);--> statement-breakpoint
CREATE INDEX `analytics_conversations_assigned_idx` ON `analytics_conversations` (`inbox_id`,`first_assigned_at`,`created_at`,`first_assignee_id`,`branch_id`,`channel`,`country`,`region`);--> statement-breakpoint
-- Hand-edited (issue 19): the counts gain the visitor's region and are counted again from the
-- logs (below), so the table is made anew, WITHOUT ROWID as before.
DROP TABLE `analytics_buckets`;--> statement-breakpoint
CREATE TABLE `analytics_buckets` (
	`inbox_id` text NOT NULL,
	`bucket` integer NOT NULL,
	`metric` text NOT NULL,
	`branch_id` text NOT NULL,
	`operator_id` text NOT NULL,
	`channel` text NOT NULL,
	`country` text NOT NULL,
	`region` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`inbox_id`, `bucket`, `metric`, `branch_id`, `operator_id`, `channel`, `country`, `region`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `analytics_ratings` ADD `region` text;--> statement-breakpoint
-- Hand-edited (issue 19): load and regions are folded from the logs, so what was counted
-- before them is counted again from the start.
DELETE FROM "analytics_conversations";--> statement-breakpoint
DELETE FROM "analytics_ratings";--> statement-breakpoint
DELETE FROM "analytics_series";--> statement-breakpoint
DELETE FROM "analytics_days";--> statement-breakpoint
DELETE FROM "analytics_events";--> statement-breakpoint
INSERT OR IGNORE INTO "analytics_marks" ("conversation_id", "marked_at") SELECT "id", "created_at" FROM "conversations";

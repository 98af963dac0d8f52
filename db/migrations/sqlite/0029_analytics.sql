-- Hand-edited (issue 19): the count tables and the drill-down events are WITHOUT ROWID, so
-- their rows live in primary-key order and a range read needs no lookup per row.
CREATE TABLE `analytics_buckets` (
	`inbox_id` text NOT NULL,
	`bucket` integer NOT NULL,
	`metric` text NOT NULL,
	`branch_id` text NOT NULL,
	`operator_id` text NOT NULL,
	`channel` text NOT NULL,
	`country` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`inbox_id`, `bucket`, `metric`, `branch_id`, `operator_id`, `channel`, `country`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `analytics_conversations` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`inbox_id` text NOT NULL,
	`branch_id` text,
	`channel` text NOT NULL,
	`country` text,
	`region` text,
	`created_at` integer NOT NULL,
	`status` text NOT NULL,
	`assignee_id` text,
	`projected_seq` integer NOT NULL,
	`offline` integer NOT NULL,
	`first_message_at` integer,
	`first_response_at` integer,
	`first_response_ms` integer,
	`first_response_business_ms` integer,
	`first_responder_id` text,
	`first_assigned_at` integer,
	`first_assignee_id` text,
	`first_resolved_at` integer,
	`resolution_ms` integer,
	`resolution_operator_id` text,
	`erased_at` integer
);
--> statement-breakpoint
CREATE INDEX `analytics_conversations_created_idx` ON `analytics_conversations` (`inbox_id`,`created_at`,`offline`,`first_response_at`,`first_assignee_id`,`branch_id`,`channel`,`country`);--> statement-breakpoint
CREATE INDEX `analytics_conversations_response_idx` ON `analytics_conversations` (`inbox_id`,`first_response_at`,`first_response_ms`,`first_response_business_ms`,`first_responder_id`,`branch_id`,`channel`,`country`);--> statement-breakpoint
CREATE INDEX `analytics_conversations_resolved_idx` ON `analytics_conversations` (`inbox_id`,`first_resolved_at`,`resolution_ms`,`resolution_operator_id`,`branch_id`,`channel`,`country`);--> statement-breakpoint
CREATE INDEX `analytics_conversations_assigned_idx` ON `analytics_conversations` (`inbox_id`,`first_assigned_at`,`created_at`,`first_assignee_id`,`branch_id`,`channel`,`country`);--> statement-breakpoint
CREATE TABLE `analytics_days` (
	`inbox_id` text NOT NULL,
	`day` integer NOT NULL,
	`dim` text NOT NULL,
	`key` text NOT NULL,
	`metric` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`inbox_id`, `day`, `dim`, `key`, `metric`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `analytics_events` (
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`inbox_id` text NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`branch_id` text NOT NULL,
	`operator_id` text NOT NULL,
	`channel` text NOT NULL,
	`country` text NOT NULL,
	PRIMARY KEY(`conversation_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `analytics_events_kind_idx` ON `analytics_events` (`inbox_id`,`kind`,`at`);--> statement-breakpoint
CREATE TABLE `analytics_marks` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`marked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `analytics_ratings` (
	`conversation_id` text NOT NULL,
	`resolution_seq` integer NOT NULL,
	`inbox_id` text NOT NULL,
	`branch_id` text,
	`channel` text NOT NULL,
	`country` text,
	`operator_id` text,
	`scale` text NOT NULL,
	`score` integer,
	`comment` text,
	`at` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `resolution_seq`)
);
--> statement-breakpoint
CREATE INDEX `analytics_ratings_at_idx` ON `analytics_ratings` (`inbox_id`,`at`);--> statement-breakpoint
CREATE TABLE `analytics_series` (
	`inbox_id` text NOT NULL,
	`dim` text NOT NULL,
	`key` text NOT NULL,
	`grain` integer NOT NULL,
	`bucket` integer NOT NULL,
	`metric` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`inbox_id`, `dim`, `key`, `grain`, `bucket`, `metric`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Existing conversations are counted too: the projector folds their logs from the start.
INSERT INTO "analytics_marks" ("conversation_id", "marked_at") SELECT "id", "created_at" FROM "conversations";

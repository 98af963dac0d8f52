CREATE TABLE `analytics_period_cache` (
	`inbox_id` text NOT NULL,
	`period` integer NOT NULL,
	`kind` text NOT NULL,
	`gen` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`inbox_id`, `kind`, `period`)
);
--> statement-breakpoint
CREATE TABLE `analytics_periods` (
	`inbox_id` text NOT NULL,
	`period` integer NOT NULL,
	`gen` integer NOT NULL,
	PRIMARY KEY(`inbox_id`, `period`)
);

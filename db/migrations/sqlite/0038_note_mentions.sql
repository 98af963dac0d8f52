CREATE TABLE `note_mentions` (
	`operator_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`operator_id`, `conversation_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `note_mentions_operator_at_idx` ON `note_mentions` (`operator_id`,`at`);
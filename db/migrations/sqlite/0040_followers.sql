CREATE TABLE `conversation_followers` (
	`conversation_id` text NOT NULL,
	`operator_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `operator_id`),
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversation_followers_operator` ON `conversation_followers` (`operator_id`,`at`);
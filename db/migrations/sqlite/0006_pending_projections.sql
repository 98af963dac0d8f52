CREATE TABLE `pending_projections` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`marked_at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);

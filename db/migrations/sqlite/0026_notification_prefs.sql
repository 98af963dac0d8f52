CREATE TABLE `notification_prefs` (
	`operator_id` text PRIMARY KEY NOT NULL,
	`email_digest` integer NOT NULL,
	`digest_sent_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);

CREATE TABLE `telegram_offsets` (
	`endpoint_id` text PRIMARY KEY NOT NULL,
	`next_update_id` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);

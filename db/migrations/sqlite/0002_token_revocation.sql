ALTER TABLE `inboxes` ADD `visitors_signed_out_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `identity_rotated_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `visitors` ADD `signed_out_at` integer DEFAULT 0 NOT NULL;
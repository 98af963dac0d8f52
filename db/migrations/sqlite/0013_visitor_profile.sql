ALTER TABLE `visitors` ADD `phone` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `attributes` text DEFAULT '{}' NOT NULL;
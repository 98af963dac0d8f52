ALTER TABLE `conversations` ADD `offline` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `locale` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `name` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `email` text;
CREATE INDEX `visitors_email_idx` ON `visitors` (`email`);--> statement-breakpoint
CREATE INDEX `visitors_external_idx` ON `visitors` (`external_id`);
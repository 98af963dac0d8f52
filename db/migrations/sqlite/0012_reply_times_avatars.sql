ALTER TABLE `operators` ADD `avatar_id` text;--> statement-breakpoint
CREATE INDEX `conversations_branch_created_idx` ON `conversations` (`branch_id`,`created_at`);
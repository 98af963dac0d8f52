ALTER TABLE `conversations` ADD `snoozed` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `snoozed_until` integer;--> statement-breakpoint
CREATE INDEX `conversations_snooze_idx` ON `conversations` (`inbox_id`,`snoozed_until`,`id`) WHERE "conversations"."snoozed_until" is not null;
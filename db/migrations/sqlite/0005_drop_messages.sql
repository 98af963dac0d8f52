DROP TABLE `messages`;--> statement-breakpoint
CREATE UNIQUE INDEX `events_client_msg_uq` ON `events` (`conversation_id`,`author_kind`,`author_id`,`client_msg_id`) WHERE "events"."client_msg_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `events_message_uq` ON `events` (`message_id`) WHERE "events"."message_id" is not null;
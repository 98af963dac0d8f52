-- Issue 12: the log is keyed by its conversation's number, not by the conversation's 36-byte
-- id. Every conversation gets a number (`no`; existing rows take their rowid, new rows one past
-- the highest, assigned by the insert); the log is rebuilt with `conv_no` leading its primary
-- key and its client-id index. bench/log-shapes.ts measures the same rows appended about 2x
-- faster with the integer key.
--
-- The rebuild keeps every row's rowid: message_search (FTS5, external content) and
-- search_progress.indexed_to name log rows by rowid. The view and the two triggers over the log
-- go first (renaming a table fails while a view names a missing one) and come back unchanged.
-- A log row whose conversation is missing fails the NOT NULL on conv_no: the migration stops
-- rather than drop it. (`no` has DEFAULT 0 only so that the column can be added; every row
-- is numbered at once, and the product always gives a number.)
DROP TRIGGER `events_search_update`;
--> statement-breakpoint
DROP TRIGGER `events_search_delete`;
--> statement-breakpoint
DROP VIEW `message_search_doc`;
--> statement-breakpoint
ALTER TABLE `conversations` ADD `no` integer NOT NULL DEFAULT 0;
--> statement-breakpoint
UPDATE `conversations` SET `no` = rowid;
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_no_uq` ON `conversations` (`no`);
--> statement-breakpoint
CREATE TABLE `__new_events` (
	`conv_no` integer NOT NULL,
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`name` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL,
	`message_id` text,
	`message_seq` integer,
	`author_kind` text,
	`author_id` text,
	`text` text,
	`client_msg_id` text,
	`edited_at` integer,
	`deleted_at` integer,
	`deleted_by_kind` text,
	`deleted_by_id` text,
	`attachments` text,
	PRIMARY KEY(`conv_no`, `seq`),
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_events`(rowid, "conv_no", "conversation_id", "seq", "name", "data", "at", "message_id", "message_seq", "author_kind", "author_id", "text", "client_msg_id", "edited_at", "deleted_at", "deleted_by_kind", "deleted_by_id", "attachments")
  SELECT e.rowid, (SELECT c.`no` FROM `conversations` c WHERE c.`id` = e."conversation_id"), e."conversation_id", e."seq", e."name", e."data", e."at", e."message_id", e."message_seq", e."author_kind", e."author_id", e."text", e."client_msg_id", e."edited_at", e."deleted_at", e."deleted_by_kind", e."deleted_by_id", e."attachments"
  FROM `events` e ORDER BY e.rowid;
--> statement-breakpoint
DROP TABLE `events`;
--> statement-breakpoint
ALTER TABLE `__new_events` RENAME TO `events`;
--> statement-breakpoint
CREATE UNIQUE INDEX `events_client_msg_uq` ON `events` (`conv_no`,`author_kind`,`author_id`,`client_msg_id`) WHERE "events"."client_msg_id" is not null;
--> statement-breakpoint
CREATE UNIQUE INDEX `events_message_uq` ON `events` (`message_id`) WHERE "events"."message_id" is not null;
--> statement-breakpoint
CREATE VIEW `message_search_doc` AS
  SELECT rowid AS id, text FROM `events`
  WHERE name = 'message.created' AND deleted_at IS NULL AND text IS NOT NULL;
--> statement-breakpoint
CREATE TRIGGER `events_search_update` AFTER UPDATE OF text, deleted_at ON `events`
WHEN old.name = 'message.created'
  AND (old.text IS NOT new.text OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL))
  AND old.rowid <= (SELECT indexed_to FROM search_progress WHERE name = 'messages')
BEGIN
  INSERT INTO message_search(message_search, rowid, text)
    SELECT 'delete', old.rowid, old.text WHERE old.deleted_at IS NULL AND old.text IS NOT NULL;
  INSERT INTO message_search(rowid, text)
    SELECT new.rowid, new.text WHERE new.deleted_at IS NULL AND new.text IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `events_search_delete` AFTER DELETE ON `events`
BEGIN
  -- In this order: the index entry goes while the mark still covers it, then the mark drops
  -- below a rowid the next insert will reuse (the last row was deleted).
  INSERT INTO message_search(message_search, rowid, text)
    SELECT 'delete', old.rowid, old.text
    WHERE old.name = 'message.created' AND old.deleted_at IS NULL AND old.text IS NOT NULL
      AND old.rowid <= (SELECT indexed_to FROM search_progress WHERE name = 'messages');
  UPDATE search_progress SET indexed_to = min(indexed_to, old.rowid - 1)
    WHERE name = 'messages' AND old.rowid > (SELECT coalesce(max(rowid), 0) FROM events);
END;

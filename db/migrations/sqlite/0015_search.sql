-- Full-text search (issue 16): FTS5 indexes over the messages and the visitors.
--
-- Messages are indexed BEHIND the log, not in the transaction that appends them: indexing costs
-- about 30 us per message, a third of what a message's commit costs on the hot path. The
-- search indexer (db/sqlite/search-index.ts, on its own thread and connection) indexes the
-- `events` rows past `search_progress.indexed_to` in batches and moves the mark in the same
-- transaction; a search first asks it to catch up, so it sees every committed message. Rowids
-- only grow (max + 1), except when the last row is deleted: the delete trigger then lowers the
-- mark, so a reused rowid is indexed again. Edits and deletes of rows at or below the mark
-- change the index in their own transaction (they are rare); rows past the mark are indexed as
-- they are when the indexer reaches them.
--
-- Neither index holds a copy of the text. message_search is an external-content table over a
-- view that is exactly what is indexed (message.created rows with text, not deleted), so
-- 'rebuild' and 'integrity-check' work (once the indexer has caught up). visitor_search
-- indexes a visitor's name, e-mail, phone and attribute values (not the keys), which only
-- json_each can list, and FTS5 cannot read a view that calls it: so it is contentless, deleted
-- by rowid, and kept by triggers (visitors change rarely). Both key rows by the tables'
-- rowids: events and visitors have no INTEGER PRIMARY KEY, so a VACUUM may renumber them; after
-- one, rebuild message_search ('rebuild', then set indexed_to to max(rowid)) and refill
-- visitor_search (delete all, the INSERT below).
--
-- unicode61 folds case for every script and, with remove_diacritics 2, Latin diacritics (cafe
-- finds café); Russian and English need no stemmer to be found by prefix, which the queries use.
-- prefix='2 3' keeps two- and three-character prefix queries (search as you type) off a scan of
-- every term.
CREATE VIEW `message_search_doc` AS
  SELECT rowid AS id, text FROM `events`
  WHERE name = 'message.created' AND deleted_at IS NULL AND text IS NOT NULL;
--> statement-breakpoint
CREATE VIRTUAL TABLE `message_search` USING fts5(
  text,
  content = 'message_search_doc',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO `message_search`(`message_search`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TABLE `search_progress` (
  `name` text PRIMARY KEY NOT NULL,
  `indexed_to` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `search_progress` (`name`, `indexed_to`)
  SELECT 'messages', coalesce(max(rowid), 0) FROM `events`;
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
--> statement-breakpoint
CREATE VIRTUAL TABLE `visitor_search` USING fts5(
  name, email, phone, attributes,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO `visitor_search`(rowid, name, email, phone, attributes)
  SELECT rowid, name, email, phone,
    (SELECT group_concat(value, ' ') FROM json_each(visitors.attributes)
      WHERE type IN ('text', 'integer', 'real'))
  FROM `visitors`;
--> statement-breakpoint
CREATE TRIGGER `visitors_search_insert` AFTER INSERT ON `visitors`
BEGIN
  INSERT INTO visitor_search(rowid, name, email, phone, attributes)
    VALUES (new.rowid, new.name, new.email, new.phone,
    (SELECT group_concat(value, ' ') FROM json_each(new.attributes)
      WHERE type IN ('text', 'integer', 'real')));
END;
--> statement-breakpoint
CREATE TRIGGER `visitors_search_update` AFTER UPDATE OF name, email, phone, attributes ON `visitors`
BEGIN
  DELETE FROM visitor_search WHERE rowid = old.rowid;
  INSERT INTO visitor_search(rowid, name, email, phone, attributes)
    VALUES (new.rowid, new.name, new.email, new.phone,
    (SELECT group_concat(value, ' ') FROM json_each(new.attributes)
      WHERE type IN ('text', 'integer', 'real')));
END;
--> statement-breakpoint
CREATE TRIGGER `visitors_search_delete` AFTER DELETE ON `visitors`
BEGIN
  DELETE FROM visitor_search WHERE rowid = old.rowid;
END;

-- Erasure (issue 18, S7/S8): when a conversation's content or a visitor was erased. The rows
-- stay (their shape counts in analytics); what named the visitor is emptied in place.
ALTER TABLE `conversations` ADD `erased_at` integer;--> statement-breakpoint
ALTER TABLE `visitors` ADD `erased_at` integer;--> statement-breakpoint
-- An FTS5 delete normally leaves the old entry in the index's pages until segments merge, so
-- erased words would stay readable in its *_data shadow table. With secure-delete the entry
-- goes at once. It needs the old values at delete time: message_search has them (its view);
-- visitor_search was contentless (contentless_delete only marks a row gone), so it now keeps
-- its own copy of the indexed values (visitor_search_content), which triggers replace with
-- the row. Same columns, tokenizer and prefixes, so queries do not change.
INSERT INTO `message_search`(`message_search`, `rank`) VALUES ('secure-delete', 1);--> statement-breakpoint
DROP TRIGGER `visitors_search_insert`;--> statement-breakpoint
DROP TRIGGER `visitors_search_update`;--> statement-breakpoint
DROP TRIGGER `visitors_search_delete`;--> statement-breakpoint
DROP TABLE `visitor_search`;--> statement-breakpoint
CREATE VIRTUAL TABLE `visitor_search` USING fts5(
  name, email, phone, attributes,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO `visitor_search`(`visitor_search`, `rank`) VALUES ('secure-delete', 1);--> statement-breakpoint
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

-- Help-center search (issue 21): an FTS5 index over the articles' stems.
--
-- The stems are computed by the server (server/help/analyze.ts: Snowball Russian for Cyrillic
-- words, Porter2 English for Latin ones, whatever the article's language) and stored in
-- help_articles.title_terms and body_terms; this index reads those columns (external content,
-- no second copy of the text) and the queries rank with bm25, the title weighing more. The
-- Postgres index indexes the same columns, so both stores find and order the same articles.
-- Triggers keep it current in the transaction that changes an article (articles change rarely;
-- a view counter's update does not touch the index). Rows are keyed by help_articles' rowid:
-- after a VACUUM, run INSERT INTO help_search(help_search) VALUES ('rebuild').
--
-- prefix='2 3': the word being typed matches as a prefix without a scan of every term.
CREATE VIRTUAL TABLE `help_search` USING fts5(
  title_terms,
  body_terms,
  content = 'help_articles',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
CREATE TRIGGER `help_articles_search_insert` AFTER INSERT ON `help_articles`
BEGIN
  INSERT INTO help_search(rowid, title_terms, body_terms)
    VALUES (new.rowid, new.title_terms, new.body_terms);
END;
--> statement-breakpoint
CREATE TRIGGER `help_articles_search_update` AFTER UPDATE OF title_terms, body_terms ON `help_articles`
BEGIN
  INSERT INTO help_search(help_search, rowid, title_terms, body_terms)
    VALUES ('delete', old.rowid, old.title_terms, old.body_terms);
  INSERT INTO help_search(rowid, title_terms, body_terms)
    VALUES (new.rowid, new.title_terms, new.body_terms);
END;
--> statement-breakpoint
CREATE TRIGGER `help_articles_search_delete` AFTER DELETE ON `help_articles`
BEGIN
  INSERT INTO help_search(help_search, rowid, title_terms, body_terms)
    VALUES ('delete', old.rowid, old.title_terms, old.body_terms);
END;
--> statement-breakpoint
-- The index's distinct terms, for typo correction (server/help/search.ts caches them).
CREATE VIRTUAL TABLE `help_search_vocab` USING fts5vocab(help_search, 'row');

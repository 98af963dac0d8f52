-- Help-center search on Postgres (issue 21): the indexed document is stored, not recomputed.
--
-- 0048 indexed an expression: every match had to build its tsvector again from the stems to
-- be ranked (ts_rank) and rechecked, ~0.15 ms an article: a common word over 10,000 articles
-- took 1.5 s (bench/help-search.ts). A stored generated column holds the same document
-- (server-computed stems, 'simple' configuration, the title weighing more), kept current by
-- every write in its own transaction; the GIN index moves onto it. db/repos/help.ts reads the
-- column. SQLite has its FTS5 index (0048) and no such column: tests/db's schema comparison
-- leaves it out.
ALTER TABLE "help_articles" ADD COLUMN "search_doc" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', "title_terms"), 'A') ||
  setweight(to_tsvector('simple', "body_terms"), 'B')
) STORED;
--> statement-breakpoint
DROP INDEX IF EXISTS "help_articles_search_idx";
--> statement-breakpoint
CREATE INDEX "help_articles_search_idx" ON "help_articles" USING gin ("search_doc");

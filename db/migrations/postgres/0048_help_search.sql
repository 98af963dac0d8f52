-- Help-center search (issue 21): a GIN index on the articles' stems, title weighing more.
--
-- The stems are computed by the server (server/help/analyze.ts: Snowball Russian for Cyrillic
-- words, Porter2 English for Latin ones) and stored in help_articles.title_terms and
-- body_terms, as on SQLite, so both stores find and order the same articles. They are already
-- lower-case words separated by spaces: the 'simple' configuration only splits them (a
-- language configuration would stem them twice and drop its stop words). db/repos/help.ts
-- queries this very expression, or the planner ignores the index.
CREATE INDEX "help_articles_search_idx" ON "help_articles" USING gin ((
  setweight(to_tsvector('simple', "title_terms"), 'A') ||
  setweight(to_tsvector('simple', "body_terms"), 'B')
));

-- Full-text search (issue 16): GIN indexes on expressions, so nothing is stored twice and every
-- write keeps them current in its own transaction. db/repos/search.ts queries the very same
-- expressions (with literal constants, as a partial index needs), or the planner ignores them.
--
-- Why the 'simple' configuration: messages are Russian and English (often mixed in one
-- conversation), and a stemming configuration is one language's: 'english' would not stem
-- Russian and would drop English stop words ("how", "not"), 'russian' the reverse. 'simple'
-- only lower-cases, the same for both languages, and search by prefix (the last word of a
-- query, two or more characters, matches as a prefix: 'заказ' finds 'заказа') stands in for
-- stemming. Diacritics are kept ('simple' has no unaccent; SQLite folds Latin ones). This is
-- also what the SQLite index does (unicode61, no stemmer), so both stores find the same things.
-- Punctuation is made a space first, so 'ann@example.com' is the words ann, example and com, as
-- in SQLite, rather than one e-mail token that only a search for its start would find.
CREATE INDEX "events_search_idx" ON "events" USING gin (
  to_tsvector('simple', regexp_replace("text", '[[:punct:]]+', ' ', 'g'))
) WHERE "name" = 'message.created' AND "deleted_at" IS NULL;
--> statement-breakpoint
CREATE INDEX "visitors_search_idx" ON "visitors" USING gin ((
  to_tsvector('simple', regexp_replace(
    coalesce("name", '') || ' ' || coalesce("email", '') || ' ' || coalesce("phone", ''),
    '[[:punct:]]+', ' ', 'g'))
  || json_to_tsvector('simple', "attributes", '["string", "numeric"]')
));

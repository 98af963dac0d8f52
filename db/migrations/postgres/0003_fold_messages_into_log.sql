-- Custom SQL migration file, put your code below! --
-- The log becomes the message store: each message.created event takes its message's columns
-- (current text, edit and delete state); each message.updated event names its message by the
-- seq of that row. Message data no longer lives in `data` ('{}'). The next migration drops
-- `messages`.
UPDATE "events" AS e SET
  "author_kind" = m."author_kind",
  "author_id" = m."author_id",
  "text" = m."text",
  "client_msg_id" = m."client_msg_id",
  "edited_at" = m."edited_at",
  "deleted_at" = m."deleted_at",
  "deleted_by_kind" = m."deleted_by_kind",
  "deleted_by_id" = m."deleted_by_id",
  "data" = '{}'::json
FROM "messages" AS m
WHERE e."name" = 'message.created' AND m."id" = e."message_id";
--> statement-breakpoint
UPDATE "events" AS e SET "message_seq" = m."seq", "message_id" = NULL, "data" = '{}'::json
FROM "messages" AS m
WHERE e."name" = 'message.updated' AND m."id" = e."message_id";

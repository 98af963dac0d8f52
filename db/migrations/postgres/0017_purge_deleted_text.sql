-- Deleted messages keep no text (issue 18, S7): the delete now clears it in its own commit;
-- this clears what deletes before it left behind.
UPDATE "events" SET "text" = ''
WHERE "name" = 'message.created' AND "deleted_at" IS NOT NULL AND "text" IS NOT NULL AND "text" <> '';

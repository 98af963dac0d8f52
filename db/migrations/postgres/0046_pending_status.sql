-- Issue 20: the status `pending` ranks between open and resolved (db/repos/rows.ts STATUS_RANK),
-- so resolved and closed move down one.
UPDATE "conversations" SET "status_rank" = "status_rank" + 1 WHERE "status_rank" >= 1;

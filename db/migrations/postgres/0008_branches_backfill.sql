-- Custom SQL migration file, put your code below! --
-- Every inbox gets its default branch (R1): same id as the inbox, always open (as routing was
-- before branches), with the inbox's members; every conversation belongs to it.
INSERT INTO "branches" ("id", "inbox_id", "name", "schedule", "settings", "created_at", "updated_at")
SELECT "id", "id", 'Main', '{"timeZone":"UTC","week":{"mon":[{"from":"00:00","to":"24:00"}],"tue":[{"from":"00:00","to":"24:00"}],"wed":[{"from":"00:00","to":"24:00"}],"thu":[{"from":"00:00","to":"24:00"}],"fri":[{"from":"00:00","to":"24:00"}],"sat":[{"from":"00:00","to":"24:00"}],"sun":[{"from":"00:00","to":"24:00"}]},"exceptions":[]}'::json, '{"escalateToDefault":true}'::json, "created_at", "created_at"
FROM "inboxes" WHERE "id" NOT IN (SELECT "id" FROM "branches");
--> statement-breakpoint
INSERT INTO "branch_members" ("branch_id", "operator_id", "created_at")
SELECT "inbox_id", "operator_id", "created_at" FROM "inbox_members"
ON CONFLICT DO NOTHING;
--> statement-breakpoint
UPDATE "inboxes" SET "default_branch_id" = "id" WHERE "default_branch_id" IS NULL;
--> statement-breakpoint
UPDATE "conversations" SET "branch_id" = "inbox_id" WHERE "branch_id" IS NULL;

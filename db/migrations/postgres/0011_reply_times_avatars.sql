ALTER TABLE "operators" ADD COLUMN "avatar_id" text;--> statement-breakpoint
CREATE INDEX "conversations_branch_created_idx" ON "conversations" USING btree ("branch_id","created_at");
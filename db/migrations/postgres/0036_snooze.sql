ALTER TABLE "conversations" ADD COLUMN "snoozed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "snoozed_until" bigint;--> statement-breakpoint
CREATE INDEX "conversations_snooze_idx" ON "conversations" USING btree ("inbox_id","snoozed_until","id") WHERE "conversations"."snoozed_until" is not null;
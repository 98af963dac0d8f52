CREATE TABLE "analytics_load" (
	"conversation_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"inbox_id" text NOT NULL,
	"operator_id" text NOT NULL,
	"branch_id" text NOT NULL,
	"channel" text NOT NULL,
	"country" text NOT NULL,
	"region" text NOT NULL,
	"from_at" bigint NOT NULL,
	"until_at" bigint,
	CONSTRAINT "analytics_load_conversation_id_seq_pk" PRIMARY KEY("conversation_id","seq")
);
--> statement-breakpoint
CREATE TABLE "analytics_presence" (
	"operator_id" text NOT NULL,
	"at" bigint NOT NULL,
	"status" text NOT NULL,
	"until_at" bigint NOT NULL,
	CONSTRAINT "analytics_presence_operator_id_at_pk" PRIMARY KEY("operator_id","at")
);
--> statement-breakpoint
DROP INDEX "analytics_conversations_created_idx";--> statement-breakpoint
DROP INDEX "analytics_conversations_response_idx";--> statement-breakpoint
DROP INDEX "analytics_conversations_resolved_idx";--> statement-breakpoint
DROP INDEX "analytics_conversations_assigned_idx";--> statement-breakpoint
ALTER TABLE "analytics_buckets" DROP CONSTRAINT "analytics_buckets_inbox_id_bucket_metric_branch_id_operator_id_channel_country_pk";--> statement-breakpoint
-- Hand-edited (issue 19): emptied first (counted again below), so the new column needs no
-- default, then the key with it.
DELETE FROM "analytics_buckets";--> statement-breakpoint
ALTER TABLE "analytics_buckets" ADD COLUMN "region" text NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics_buckets" ADD CONSTRAINT "analytics_buckets_inbox_id_bucket_metric_branch_id_operator_id_channel_country_region_pk" PRIMARY KEY("inbox_id","bucket","metric","branch_id","operator_id","channel","country","region");--> statement-breakpoint
ALTER TABLE "analytics_ratings" ADD COLUMN "region" text;--> statement-breakpoint
CREATE INDEX "analytics_load_until_idx" ON "analytics_load" USING btree ("until_at","from_at","inbox_id","operator_id","branch_id","channel","country","region");--> statement-breakpoint
CREATE INDEX "analytics_presence_until_idx" ON "analytics_presence" USING btree ("until_at","at","operator_id","status");--> statement-breakpoint
CREATE INDEX "analytics_conversations_created_idx" ON "analytics_conversations" USING btree ("inbox_id","created_at","offline","first_response_at","first_assignee_id","branch_id","channel","country","region");--> statement-breakpoint
CREATE INDEX "analytics_conversations_response_idx" ON "analytics_conversations" USING btree ("inbox_id","first_response_at","first_response_ms","first_response_business_ms","first_responder_id","branch_id","channel","country","region");--> statement-breakpoint
CREATE INDEX "analytics_conversations_resolved_idx" ON "analytics_conversations" USING btree ("inbox_id","first_resolved_at","resolution_ms","resolution_operator_id","branch_id","channel","country","region");--> statement-breakpoint
CREATE INDEX "analytics_conversations_assigned_idx" ON "analytics_conversations" USING btree ("inbox_id","first_assigned_at","created_at","first_assignee_id","branch_id","channel","country","region");--> statement-breakpoint
-- Hand-edited (issue 19): load and regions are folded from the logs, so what was counted
-- before them is counted again from the start.
DELETE FROM "analytics_conversations";--> statement-breakpoint
DELETE FROM "analytics_ratings";--> statement-breakpoint
DELETE FROM "analytics_buckets";--> statement-breakpoint
DELETE FROM "analytics_series";--> statement-breakpoint
DELETE FROM "analytics_days";--> statement-breakpoint
DELETE FROM "analytics_events";--> statement-breakpoint
INSERT INTO "analytics_marks" ("conversation_id", "marked_at") SELECT "id", "created_at" FROM "conversations" ON CONFLICT DO NOTHING;

CREATE TABLE "analytics_buckets" (
	"inbox_id" text NOT NULL,
	"bucket" bigint NOT NULL,
	"metric" text NOT NULL,
	"branch_id" text NOT NULL,
	"operator_id" text NOT NULL,
	"channel" text NOT NULL,
	"country" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "analytics_buckets_inbox_id_bucket_metric_branch_id_operator_id_channel_country_pk" PRIMARY KEY("inbox_id","bucket","metric","branch_id","operator_id","channel","country")
);
--> statement-breakpoint
CREATE TABLE "analytics_conversations" (
	"conversation_id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"branch_id" text,
	"channel" text NOT NULL,
	"country" text,
	"region" text,
	"created_at" bigint NOT NULL,
	"status" text NOT NULL,
	"assignee_id" text,
	"projected_seq" bigint NOT NULL,
	"offline" boolean NOT NULL,
	"first_message_at" bigint,
	"first_response_at" bigint,
	"first_response_ms" bigint,
	"first_response_business_ms" bigint,
	"first_responder_id" text,
	"first_assigned_at" bigint,
	"first_assignee_id" text,
	"first_resolved_at" bigint,
	"resolution_ms" bigint,
	"resolution_operator_id" text,
	"erased_at" bigint
);
--> statement-breakpoint
CREATE TABLE "analytics_days" (
	"inbox_id" text NOT NULL,
	"day" bigint NOT NULL,
	"dim" text NOT NULL,
	"key" text NOT NULL,
	"metric" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "analytics_days_inbox_id_day_dim_key_metric_pk" PRIMARY KEY("inbox_id","day","dim","key","metric")
);
--> statement-breakpoint
CREATE TABLE "analytics_events" (
	"conversation_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"inbox_id" text NOT NULL,
	"kind" text NOT NULL,
	"at" bigint NOT NULL,
	"branch_id" text NOT NULL,
	"operator_id" text NOT NULL,
	"channel" text NOT NULL,
	"country" text NOT NULL,
	CONSTRAINT "analytics_events_conversation_id_seq_pk" PRIMARY KEY("conversation_id","seq")
);
--> statement-breakpoint
CREATE TABLE "analytics_marks" (
	"conversation_id" text PRIMARY KEY NOT NULL,
	"marked_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_ratings" (
	"conversation_id" text NOT NULL,
	"resolution_seq" bigint NOT NULL,
	"inbox_id" text NOT NULL,
	"branch_id" text,
	"channel" text NOT NULL,
	"country" text,
	"operator_id" text,
	"scale" text NOT NULL,
	"score" bigint,
	"comment" text,
	"at" bigint NOT NULL,
	CONSTRAINT "analytics_ratings_conversation_id_resolution_seq_pk" PRIMARY KEY("conversation_id","resolution_seq")
);
--> statement-breakpoint
CREATE TABLE "analytics_series" (
	"inbox_id" text NOT NULL,
	"dim" text NOT NULL,
	"key" text NOT NULL,
	"grain" bigint NOT NULL,
	"bucket" bigint NOT NULL,
	"metric" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "analytics_series_inbox_id_dim_key_grain_bucket_metric_pk" PRIMARY KEY("inbox_id","dim","key","grain","bucket","metric")
);
--> statement-breakpoint
CREATE INDEX "analytics_conversations_created_idx" ON "analytics_conversations" USING btree ("inbox_id","created_at","offline","first_response_at","first_assignee_id","branch_id","channel","country");--> statement-breakpoint
CREATE INDEX "analytics_conversations_response_idx" ON "analytics_conversations" USING btree ("inbox_id","first_response_at","first_response_ms","first_response_business_ms","first_responder_id","branch_id","channel","country");--> statement-breakpoint
CREATE INDEX "analytics_conversations_resolved_idx" ON "analytics_conversations" USING btree ("inbox_id","first_resolved_at","resolution_ms","resolution_operator_id","branch_id","channel","country");--> statement-breakpoint
CREATE INDEX "analytics_conversations_assigned_idx" ON "analytics_conversations" USING btree ("inbox_id","first_assigned_at","created_at","first_assignee_id","branch_id","channel","country");--> statement-breakpoint
CREATE INDEX "analytics_events_kind_idx" ON "analytics_events" USING btree ("inbox_id","kind","at");--> statement-breakpoint
CREATE INDEX "analytics_ratings_at_idx" ON "analytics_ratings" USING btree ("inbox_id","at");--> statement-breakpoint
-- Existing conversations are counted too: the projector folds their logs from the start.
INSERT INTO "analytics_marks" ("conversation_id", "marked_at") SELECT "id", "created_at" FROM "conversations";

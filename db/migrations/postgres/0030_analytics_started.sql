-- Custom (issue 19): conversations started are counts (metrics started, started_offline,
-- started_unanswered) kept by the projector, so what was counted before them is counted again
-- from the start. Presence is not derived from the logs and stays.
DELETE FROM "analytics_conversations";--> statement-breakpoint
DELETE FROM "analytics_ratings";--> statement-breakpoint
DELETE FROM "analytics_buckets";--> statement-breakpoint
DELETE FROM "analytics_series";--> statement-breakpoint
DELETE FROM "analytics_days";--> statement-breakpoint
DELETE FROM "analytics_events";--> statement-breakpoint
DELETE FROM "analytics_load";--> statement-breakpoint
INSERT INTO "analytics_marks" ("conversation_id", "marked_at") SELECT "id", "created_at" FROM "conversations" ON CONFLICT DO NOTHING;

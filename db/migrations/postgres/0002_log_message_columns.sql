ALTER TABLE "events" ADD COLUMN "message_seq" bigint;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "author_kind" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "author_id" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "text" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "client_msg_id" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "edited_at" bigint;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "deleted_at" bigint;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "deleted_by_kind" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "deleted_by_id" text;
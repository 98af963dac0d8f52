CREATE TABLE "attachments" (
	"id" text PRIMARY KEY NOT NULL,
	"conversation_id" text NOT NULL,
	"status" text NOT NULL,
	"uploader_kind" text NOT NULL,
	"uploader_id" text NOT NULL,
	"message_id" text,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"content_type" text NOT NULL,
	"width" bigint,
	"height" bigint,
	"sha256" text NOT NULL,
	"thumbnail_size" bigint,
	"created_at" bigint NOT NULL,
	"purge_at" bigint
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "attachments" json;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_purge_idx" ON "attachments" USING btree ("status","purge_at");--> statement-breakpoint
CREATE INDEX "attachments_message_idx" ON "attachments" USING btree ("conversation_id","message_id");
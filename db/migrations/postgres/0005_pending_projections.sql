CREATE TABLE "pending_projections" (
	"conversation_id" text PRIMARY KEY NOT NULL,
	"marked_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pending_projections" ADD CONSTRAINT "pending_projections_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;
CREATE TABLE "labels" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"color" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
DROP INDEX "conversations_queue_idx";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "priority" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "labels" text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE "labels" ADD CONSTRAINT "labels_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "labels_inbox_name_uq" ON "labels" USING btree ("inbox_id","name_key");--> statement-breakpoint
CREATE INDEX "conversations_queue_idx" ON "conversations" USING btree ("branch_id","priority","created_at","id") WHERE "conversations"."status_rank" = 0 and "conversations"."assignee_id" is null;
CREATE TABLE "macros" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"actions" text NOT NULL,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "macros" ADD CONSTRAINT "macros_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "macros_inbox_name_uq" ON "macros" USING btree ("inbox_id","name_key");
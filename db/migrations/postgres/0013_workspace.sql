CREATE TABLE "canned_replies" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text,
	"owner_id" text,
	"shortcut" text NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "waiting_since" bigint;--> statement-breakpoint
ALTER TABLE "canned_replies" ADD CONSTRAINT "canned_replies_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canned_replies" ADD CONSTRAINT "canned_replies_owner_id_operators_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "canned_replies_inbox_uq" ON "canned_replies" USING btree ("inbox_id","shortcut") WHERE "canned_replies"."owner_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "canned_replies_owner_uq" ON "canned_replies" USING btree ("owner_id","shortcut") WHERE "canned_replies"."owner_id" is not null;
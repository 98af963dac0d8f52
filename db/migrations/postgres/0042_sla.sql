CREATE TABLE "sla_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"name" text NOT NULL,
	"first_response_minutes" integer,
	"next_response_minutes" integer,
	"resolution_minutes" integer,
	"business_hours" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_due" bigint;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sla_policies_inbox_idx" ON "sla_policies" USING btree ("inbox_id");--> statement-breakpoint
CREATE INDEX "conversations_sla_idx" ON "conversations" USING btree ("inbox_id","sla_due","id") WHERE "conversations"."sla_due" is not null;
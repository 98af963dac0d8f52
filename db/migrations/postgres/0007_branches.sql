CREATE TABLE "branch_members" (
	"branch_id" text NOT NULL,
	"operator_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "branch_members_branch_id_operator_id_pk" PRIMARY KEY("branch_id","operator_id")
);
--> statement-breakpoint
CREATE TABLE "branches" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"name" text NOT NULL,
	"schedule" json NOT NULL,
	"settings" json NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "branch_id" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "city" text;--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "default_branch_id" text;--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "geo_rules" json DEFAULT '[]'::json NOT NULL;--> statement-breakpoint
ALTER TABLE "branch_members" ADD CONSTRAINT "branch_members_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branch_members" ADD CONSTRAINT "branch_members_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branches" ADD CONSTRAINT "branches_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "branch_members_operator_idx" ON "branch_members" USING btree ("operator_id","branch_id");--> statement-breakpoint
CREATE INDEX "branches_inbox_idx" ON "branches" USING btree ("inbox_id","name");--> statement-breakpoint
CREATE INDEX "conversations_queue_idx" ON "conversations" USING btree ("branch_id","created_at","id") WHERE "conversations"."status_rank" = 0 and "conversations"."assignee_id" is null;
CREATE TABLE "rule_marks" (
	"conversation_id" text PRIMARY KEY NOT NULL,
	"from_seq" bigint NOT NULL,
	"seq" bigint NOT NULL,
	"marked_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_runs" (
	"rule_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"trigger" text NOT NULL,
	"at" bigint NOT NULL,
	"outcome" text NOT NULL,
	"error" text,
	CONSTRAINT "rule_runs_conversation_id_trigger_rule_id_pk" PRIMARY KEY("conversation_id","trigger","rule_id")
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"enabled" boolean NOT NULL,
	"position" integer NOT NULL,
	"event" text NOT NULL,
	"wait_minutes" integer,
	"conditions" text NOT NULL,
	"actions" text NOT NULL,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"last_run_at" bigint,
	"last_error" text,
	"last_error_at" bigint
);
--> statement-breakpoint
ALTER TABLE "rule_marks" ADD CONSTRAINT "rule_marks_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_runs" ADD CONSTRAINT "rule_runs_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rule_runs_at" ON "rule_runs" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "rules_inbox_name_uq" ON "rules" USING btree ("inbox_id","name_key");
CREATE TABLE "conversations" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"visitor_id" text NOT NULL,
	"status" text NOT NULL,
	"status_rank" integer NOT NULL,
	"assignee_id" text,
	"last_seq" bigint NOT NULL,
	"has_unanswered_incoming" boolean NOT NULL,
	"last_message_at" bigint,
	"last_activity_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"owner_epoch" bigint DEFAULT 0 NOT NULL,
	"escalation_at" bigint
);
--> statement-breakpoint
CREATE TABLE "events" (
	"conversation_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"name" text NOT NULL,
	"data" json NOT NULL,
	"at" bigint NOT NULL,
	"message_id" text,
	CONSTRAINT "events_conversation_id_seq_pk" PRIMARY KEY("conversation_id","seq")
);
--> statement-breakpoint
CREATE TABLE "inbox_members" (
	"inbox_id" text NOT NULL,
	"operator_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "inbox_members_inbox_id_operator_id_pk" PRIMARY KEY("inbox_id","operator_id")
);
--> statement-breakpoint
CREATE TABLE "inboxes" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"identity_secret" text NOT NULL,
	"settings" json NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"conversation_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"author_kind" text NOT NULL,
	"author_id" text NOT NULL,
	"text" text NOT NULL,
	"client_msg_id" text,
	"created_at" bigint NOT NULL,
	"edited_at" bigint,
	"deleted_at" bigint,
	"deleted_by_kind" text,
	"deleted_by_id" text
);
--> statement-breakpoint
CREATE TABLE "operator_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"operator_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operators" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"can_chat" boolean NOT NULL,
	"active" boolean NOT NULL,
	"status" text DEFAULT 'online' NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "operators_email_unique" UNIQUE("email"),
	CONSTRAINT "operators_email_lower" CHECK ("operators"."email" = lower("operators"."email"))
);
--> statement-breakpoint
CREATE TABLE "read_states" (
	"conversation_id" text NOT NULL,
	"reader_kind" text NOT NULL,
	"reader_id" text NOT NULL,
	"delivered_seq" bigint NOT NULL,
	"read_seq" bigint NOT NULL,
	CONSTRAINT "read_states_conversation_id_reader_kind_reader_id_pk" PRIMARY KEY("conversation_id","reader_kind","reader_id")
);
--> statement-breakpoint
CREATE TABLE "visitors" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"external_id" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_members" ADD CONSTRAINT "inbox_members_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_members" ADD CONSTRAINT "inbox_members_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_sessions" ADD CONSTRAINT "operator_sessions_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "read_states" ADD CONSTRAINT "read_states_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visitors" ADD CONSTRAINT "visitors_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversations_visitor_idx" ON "conversations" USING btree ("visitor_id","last_activity_at" desc,"id");--> statement-breakpoint
CREATE INDEX "conversations_inbox_order_idx" ON "conversations" USING btree ("inbox_id","status_rank","last_activity_at" desc,"id");--> statement-breakpoint
CREATE INDEX "conversations_order_idx" ON "conversations" USING btree ("status_rank","last_activity_at" desc,"id");--> statement-breakpoint
CREATE INDEX "conversations_unanswered_idx" ON "conversations" USING btree ("has_unanswered_incoming","status_rank","last_activity_at" desc,"id");--> statement-breakpoint
CREATE INDEX "conversations_routing_idx" ON "conversations" USING btree ("inbox_id","status_rank","assignee_id","created_at","id");--> statement-breakpoint
CREATE INDEX "conversations_escalation_idx" ON "conversations" USING btree ("inbox_id","escalation_at","id") WHERE "conversations"."escalation_at" is not null;--> statement-breakpoint
CREATE INDEX "inbox_members_operator_idx" ON "inbox_members" USING btree ("operator_id","inbox_id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_conversation_seq_uq" ON "messages" USING btree ("conversation_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_client_msg_uq" ON "messages" USING btree ("conversation_id","author_kind","author_id","client_msg_id");--> statement-breakpoint
CREATE INDEX "messages_unread_idx" ON "messages" USING btree ("conversation_id","author_kind","deleted_at","seq");--> statement-breakpoint
CREATE INDEX "operator_sessions_operator_idx" ON "operator_sessions" USING btree ("operator_id");--> statement-breakpoint
CREATE INDEX "operator_sessions_expires_idx" ON "operator_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "visitors_inbox_external_uq" ON "visitors" USING btree ("inbox_id","external_id");
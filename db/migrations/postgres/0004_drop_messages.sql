ALTER TABLE "messages" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "messages" CASCADE;--> statement-breakpoint
CREATE UNIQUE INDEX "events_client_msg_uq" ON "events" USING btree ("conversation_id","author_kind","author_id","client_msg_id") WHERE "events"."client_msg_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "events_message_uq" ON "events" USING btree ("message_id") WHERE "events"."message_id" is not null;
CREATE TABLE "conversation_followers" (
	"conversation_id" text NOT NULL,
	"operator_id" text NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "conversation_followers_conversation_id_operator_id_pk" PRIMARY KEY("conversation_id","operator_id")
);
--> statement-breakpoint
ALTER TABLE "conversation_followers" ADD CONSTRAINT "conversation_followers_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_followers" ADD CONSTRAINT "conversation_followers_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_followers_operator" ON "conversation_followers" USING btree ("operator_id","at");
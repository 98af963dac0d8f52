CREATE TABLE "note_mentions" (
	"operator_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "note_mentions_operator_id_conversation_id_seq_pk" PRIMARY KEY("operator_id","conversation_id","seq")
);
--> statement-breakpoint
CREATE INDEX "note_mentions_operator_at_idx" ON "note_mentions" USING btree ("operator_id","at");
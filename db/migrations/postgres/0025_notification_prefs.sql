CREATE TABLE "notification_prefs" (
	"operator_id" text PRIMARY KEY NOT NULL,
	"email_digest" boolean NOT NULL,
	"digest_sent_at" bigint,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notification_prefs" ADD CONSTRAINT "notification_prefs_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE no action ON UPDATE no action;
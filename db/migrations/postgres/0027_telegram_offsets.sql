CREATE TABLE "telegram_offsets" (
	"endpoint_id" text PRIMARY KEY NOT NULL,
	"next_update_id" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "telegram_offsets" ADD CONSTRAINT "telegram_offsets_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;
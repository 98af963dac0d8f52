ALTER TABLE "visitors" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "visitors" ADD COLUMN "attributes" json DEFAULT '{}'::json NOT NULL;
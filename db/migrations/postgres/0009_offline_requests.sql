ALTER TABLE "conversations" ADD COLUMN "offline" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "visitors" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "visitors" ADD COLUMN "email" text;
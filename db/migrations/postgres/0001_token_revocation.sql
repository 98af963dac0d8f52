ALTER TABLE "inboxes" ADD COLUMN "visitors_signed_out_at" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "identity_rotated_at" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "visitors" ADD COLUMN "signed_out_at" bigint DEFAULT 0 NOT NULL;
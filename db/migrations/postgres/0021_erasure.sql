-- Erasure (issue 18, S7/S8): when a conversation's content or a visitor was erased. The rows
-- stay (their shape counts in analytics); what named the visitor is emptied in place.
ALTER TABLE "conversations" ADD COLUMN "erased_at" bigint;--> statement-breakpoint
ALTER TABLE "visitors" ADD COLUMN "erased_at" bigint;

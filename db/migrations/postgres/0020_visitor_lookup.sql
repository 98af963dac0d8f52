CREATE INDEX "visitors_email_idx" ON "visitors" USING btree ("email");--> statement-breakpoint
CREATE INDEX "visitors_external_idx" ON "visitors" USING btree ("external_id");
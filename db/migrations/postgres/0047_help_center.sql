CREATE TABLE "help_articles" (
	"id" text PRIMARY KEY NOT NULL,
	"group_id" text NOT NULL,
	"inbox_id" text,
	"category_id" text,
	"language" text NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"author_id" text,
	"updated_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"published_at" bigint,
	"revision" bigint NOT NULL,
	"views" bigint DEFAULT 0 NOT NULL,
	"helpful" bigint DEFAULT 0 NOT NULL,
	"not_helpful" bigint DEFAULT 0 NOT NULL,
	"title_terms" text NOT NULL,
	"body_terms" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "help_categories" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text,
	"slug" text NOT NULL,
	"names" json NOT NULL,
	"descriptions" json NOT NULL,
	"position" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "help_events" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"inbox_id" text,
	"article_id" text,
	"visitor_id" text,
	"language" text NOT NULL,
	"query" text,
	"results" bigint,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "help_feedback" (
	"id" text PRIMARY KEY NOT NULL,
	"article_id" text NOT NULL,
	"helpful" boolean NOT NULL,
	"comment" text,
	"visitor_id" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "help_revisions" (
	"article_id" text NOT NULL,
	"revision" bigint NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"slug" text NOT NULL,
	"category_id" text,
	"status" text NOT NULL,
	"author_id" text,
	"created_at" bigint NOT NULL,
	CONSTRAINT "help_revisions_article_id_revision_pk" PRIMARY KEY("article_id","revision")
);
--> statement-breakpoint
CREATE TABLE "help_slugs" (
	"language" text NOT NULL,
	"slug" text NOT NULL,
	"article_id" text NOT NULL,
	"current" boolean NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "help_slugs_language_slug_pk" PRIMARY KEY("language","slug")
);
--> statement-breakpoint
ALTER TABLE "help_articles" ADD CONSTRAINT "help_articles_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_articles" ADD CONSTRAINT "help_articles_category_id_help_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."help_categories"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_articles" ADD CONSTRAINT "help_articles_author_id_operators_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."operators"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_articles" ADD CONSTRAINT "help_articles_updated_by_operators_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."operators"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_categories" ADD CONSTRAINT "help_categories_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_events" ADD CONSTRAINT "help_events_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_events" ADD CONSTRAINT "help_events_article_id_help_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."help_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_events" ADD CONSTRAINT "help_events_visitor_id_visitors_id_fk" FOREIGN KEY ("visitor_id") REFERENCES "public"."visitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_feedback" ADD CONSTRAINT "help_feedback_article_id_help_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."help_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_feedback" ADD CONSTRAINT "help_feedback_visitor_id_visitors_id_fk" FOREIGN KEY ("visitor_id") REFERENCES "public"."visitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_revisions" ADD CONSTRAINT "help_revisions_article_id_help_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."help_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_revisions" ADD CONSTRAINT "help_revisions_author_id_operators_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."operators"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_slugs" ADD CONSTRAINT "help_slugs_article_id_help_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."help_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "help_articles_group_language_uq" ON "help_articles" USING btree ("group_id","language");--> statement-breakpoint
CREATE INDEX "help_articles_portal_idx" ON "help_articles" USING btree ("inbox_id","language","status","updated_at");--> statement-breakpoint
CREATE INDEX "help_articles_category_idx" ON "help_articles" USING btree ("category_id");--> statement-breakpoint
CREATE UNIQUE INDEX "help_categories_slug_uq" ON "help_categories" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "help_events_portal_idx" ON "help_events" USING btree ("inbox_id","kind","at");--> statement-breakpoint
CREATE INDEX "help_events_visitor_idx" ON "help_events" USING btree ("visitor_id","at");--> statement-breakpoint
CREATE INDEX "help_feedback_article_idx" ON "help_feedback" USING btree ("article_id","created_at");--> statement-breakpoint
CREATE INDEX "help_slugs_article_idx" ON "help_slugs" USING btree ("article_id");
CREATE TABLE `help_articles` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`inbox_id` text,
	`category_id` text,
	`language` text NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`author_id` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`published_at` integer,
	`revision` integer NOT NULL,
	`views` integer DEFAULT 0 NOT NULL,
	`helpful` integer DEFAULT 0 NOT NULL,
	`not_helpful` integer DEFAULT 0 NOT NULL,
	`title_terms` text NOT NULL,
	`body_terms` text NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`category_id`) REFERENCES `help_categories`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`author_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`updated_by`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `help_articles_group_language_uq` ON `help_articles` (`group_id`,`language`);--> statement-breakpoint
CREATE INDEX `help_articles_portal_idx` ON `help_articles` (`inbox_id`,`language`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `help_articles_category_idx` ON `help_articles` (`category_id`);--> statement-breakpoint
CREATE TABLE `help_categories` (
	`id` text PRIMARY KEY NOT NULL,
	`inbox_id` text,
	`slug` text NOT NULL,
	`names` text NOT NULL,
	`descriptions` text NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `help_categories_slug_uq` ON `help_categories` (`slug`);--> statement-breakpoint
CREATE TABLE `help_events` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`inbox_id` text,
	`article_id` text,
	`visitor_id` text,
	`language` text NOT NULL,
	`query` text,
	`results` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`article_id`) REFERENCES `help_articles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`visitor_id`) REFERENCES `visitors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `help_events_portal_idx` ON `help_events` (`inbox_id`,`kind`,`at`);--> statement-breakpoint
CREATE INDEX `help_events_visitor_idx` ON `help_events` (`visitor_id`,`at`);--> statement-breakpoint
CREATE TABLE `help_feedback` (
	`id` text PRIMARY KEY NOT NULL,
	`article_id` text NOT NULL,
	`helpful` integer NOT NULL,
	`comment` text,
	`visitor_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`article_id`) REFERENCES `help_articles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`visitor_id`) REFERENCES `visitors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `help_feedback_article_idx` ON `help_feedback` (`article_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `help_revisions` (
	`article_id` text NOT NULL,
	`revision` integer NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`slug` text NOT NULL,
	`category_id` text,
	`status` text NOT NULL,
	`author_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`article_id`, `revision`),
	FOREIGN KEY (`article_id`) REFERENCES `help_articles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `help_slugs` (
	`language` text NOT NULL,
	`slug` text NOT NULL,
	`article_id` text NOT NULL,
	`current` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`language`, `slug`),
	FOREIGN KEY (`article_id`) REFERENCES `help_articles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `help_slugs_article_idx` ON `help_slugs` (`article_id`);
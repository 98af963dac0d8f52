CREATE TABLE "analytics_period_cache" (
	"inbox_id" text NOT NULL,
	"period" bigint NOT NULL,
	"kind" text NOT NULL,
	"gen" bigint NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "analytics_period_cache_inbox_id_kind_period_pk" PRIMARY KEY("inbox_id","kind","period")
);
--> statement-breakpoint
CREATE TABLE "analytics_periods" (
	"inbox_id" text NOT NULL,
	"period" bigint NOT NULL,
	"gen" bigint NOT NULL,
	CONSTRAINT "analytics_periods_inbox_id_period_pk" PRIMARY KEY("inbox_id","period")
);

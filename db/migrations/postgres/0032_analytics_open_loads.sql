CREATE TABLE "analytics_open_loads" (
	"inbox_id" text NOT NULL,
	"period" bigint NOT NULL,
	"operator_id" text NOT NULL,
	"branch_id" text NOT NULL,
	"channel" text NOT NULL,
	"country" text NOT NULL,
	"region" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "analytics_open_loads_pk" PRIMARY KEY("inbox_id","period","operator_id","branch_id","channel","country","region")
);
--> statement-breakpoint
INSERT INTO "analytics_open_loads" ("inbox_id", "period", "operator_id", "branch_id", "channel", "country", "region", "count")
SELECT "inbox_id", "from_at" / 604800000, "operator_id", "branch_id", "channel", "country", "region", count(*)
FROM "analytics_load" WHERE "until_at" IS NULL
GROUP BY "inbox_id", "from_at" / 604800000, "operator_id", "branch_id", "channel", "country", "region";

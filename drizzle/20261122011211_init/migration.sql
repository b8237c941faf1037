CREATE TABLE "article_entities" (
	"article_id" integer,
	"entity_id" integer,
	CONSTRAINT "article_entities_pkey" PRIMARY KEY("article_id","entity_id")
);
--> statement-breakpoint
CREATE TABLE "articles" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "articles_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"url" text,
	"source" text,
	"title" text,
	"published_at" date,
	"body" text NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"content_hash" text NOT NULL,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || body)) STORED
);
--> statement-breakpoint
CREATE TABLE "entities" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "entities_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"alias_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"role" text,
	"country" text,
	"place_kind" text,
	"latitude" double precision,
	"longitude" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_mentions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "event_mentions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"event_id" integer NOT NULL,
	"article_id" integer NOT NULL,
	"evidence" text NOT NULL,
	"sentence" text NOT NULL,
	"start" integer NOT NULL,
	"end" integer NOT NULL,
	"search" tsvector GENERATED ALWAYS AS (to_tsvector('english', sentence)) STORED
);
--> statement-breakpoint
CREATE TABLE "event_participants" (
	"event_id" integer,
	"entity_id" integer,
	CONSTRAINT "event_participants_pkey" PRIMARY KEY("event_id","entity_id")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"type" text NOT NULL,
	"mode" text,
	"title" text NOT NULL,
	"date" date,
	"place_id" integer,
	"status" text NOT NULL,
	"first_reported_at" date NOT NULL,
	"last_reported_at" date NOT NULL,
	"summary" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" tsvector GENERATED ALWAYS AS (to_tsvector('english', title)) STORED
);
--> statement-breakpoint
CREATE TABLE "feed_entries" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "feed_entries_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"event_id" integer NOT NULL,
	"article_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "figures" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "figures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"article_id" integer NOT NULL,
	"value" double precision NOT NULL,
	"unit" text NOT NULL,
	"measure" text NOT NULL,
	"qualifier" text,
	"text" text NOT NULL,
	"start" integer NOT NULL,
	"end" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quotes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "quotes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"article_id" integer NOT NULL,
	"speaker_id" integer,
	"text" text NOT NULL,
	"start" integer NOT NULL,
	"end" integer NOT NULL,
	"search" tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
);
--> statement-breakpoint
CREATE INDEX "article_entities_entity_id_idx" ON "article_entities" ("entity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "articles_content_hash_key" ON "articles" ("content_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "articles_url_key" ON "articles" ("url");--> statement-breakpoint
CREATE INDEX "articles_published_at_idx" ON "articles" ("published_at");--> statement-breakpoint
CREATE INDEX "articles_search_idx" ON "articles" USING gin ("search");--> statement-breakpoint
CREATE UNIQUE INDEX "entities_kind_name_key_key" ON "entities" ("kind","name_key");--> statement-breakpoint
CREATE INDEX "entities_alias_keys_idx" ON "entities" USING gin ("alias_keys");--> statement-breakpoint
CREATE INDEX "event_mentions_event_id_idx" ON "event_mentions" ("event_id");--> statement-breakpoint
CREATE INDEX "event_mentions_article_id_idx" ON "event_mentions" ("article_id");--> statement-breakpoint
CREATE INDEX "event_mentions_search_idx" ON "event_mentions" USING gin ("search");--> statement-breakpoint
CREATE INDEX "event_participants_entity_id_idx" ON "event_participants" ("entity_id");--> statement-breakpoint
CREATE INDEX "events_type_date_idx" ON "events" ("type","date");--> statement-breakpoint
CREATE INDEX "events_date_idx" ON "events" ("date");--> statement-breakpoint
CREATE INDEX "events_type_reported_idx" ON "events" ("type","last_reported_at");--> statement-breakpoint
CREATE INDEX "events_place_id_idx" ON "events" ("place_id");--> statement-breakpoint
CREATE INDEX "events_search_idx" ON "events" USING gin ("search");--> statement-breakpoint
CREATE INDEX "feed_entries_event_id_idx" ON "feed_entries" ("event_id");--> statement-breakpoint
CREATE INDEX "feed_entries_article_id_idx" ON "feed_entries" ("article_id");--> statement-breakpoint
CREATE INDEX "figures_article_id_idx" ON "figures" ("article_id");--> statement-breakpoint
CREATE INDEX "figures_measure_idx" ON "figures" ("measure");--> statement-breakpoint
CREATE INDEX "figures_unit_idx" ON "figures" ("unit");--> statement-breakpoint
CREATE INDEX "quotes_article_id_idx" ON "quotes" ("article_id");--> statement-breakpoint
CREATE INDEX "quotes_speaker_id_idx" ON "quotes" ("speaker_id");--> statement-breakpoint
CREATE INDEX "quotes_search_idx" ON "quotes" USING gin ("search");--> statement-breakpoint
ALTER TABLE "article_entities" ADD CONSTRAINT "article_entities_article_id_articles_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "article_entities" ADD CONSTRAINT "article_entities_entity_id_entities_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "entities"("id");--> statement-breakpoint
ALTER TABLE "event_mentions" ADD CONSTRAINT "event_mentions_event_id_events_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "event_mentions" ADD CONSTRAINT "event_mentions_article_id_articles_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "event_participants" ADD CONSTRAINT "event_participants_event_id_events_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "event_participants" ADD CONSTRAINT "event_participants_entity_id_entities_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "entities"("id");--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_place_id_entities_id_fkey" FOREIGN KEY ("place_id") REFERENCES "entities"("id");--> statement-breakpoint
ALTER TABLE "feed_entries" ADD CONSTRAINT "feed_entries_event_id_events_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "feed_entries" ADD CONSTRAINT "feed_entries_article_id_articles_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "figures" ADD CONSTRAINT "figures_article_id_articles_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "quotes" ADD CONSTRAINT "quotes_article_id_articles_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "quotes" ADD CONSTRAINT "quotes_speaker_id_entities_id_fkey" FOREIGN KEY ("speaker_id") REFERENCES "entities"("id");
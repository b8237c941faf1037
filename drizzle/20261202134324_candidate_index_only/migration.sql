DROP INDEX "events_type_reported_idx";--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "version" bigint DEFAULT txid_current() NOT NULL;--> statement-breakpoint
DROP INDEX "events_type_date_idx";--> statement-breakpoint
CREATE INDEX "events_type_date_idx" ON "events" ("type","date","id","version");--> statement-breakpoint
CREATE INDEX "events_undated_type_reported_idx" ON "events" ("type","last_reported_at","id","version") WHERE "date" is null;--> statement-breakpoint
-- Written by hand (drizzle-kit does not model triggers): every update of an event, by any writer, gives it a new version.
CREATE FUNCTION "events_set_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := txid_current();
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "events_set_version" BEFORE UPDATE ON "events" FOR EACH ROW EXECUTE FUNCTION "events_set_version"();
--> statement-breakpoint
-- Keeps the visibility map of events fresh, which index-only scans need to leave the heap alone:
-- the defaults wait for a fifth of the table to change, and matching reads the newest events most.
ALTER TABLE "events" SET (autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_scale_factor = 0.01);

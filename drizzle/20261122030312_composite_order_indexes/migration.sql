DROP INDEX "article_entities_entity_id_idx";--> statement-breakpoint
DROP INDEX "event_mentions_event_id_idx";--> statement-breakpoint
DROP INDEX "event_mentions_article_id_idx";--> statement-breakpoint
DROP INDEX "event_participants_entity_id_idx";--> statement-breakpoint
DROP INDEX "events_place_id_idx";--> statement-breakpoint
DROP INDEX "figures_article_id_idx";--> statement-breakpoint
DROP INDEX "quotes_article_id_idx";--> statement-breakpoint
DROP INDEX "quotes_speaker_id_idx";--> statement-breakpoint
CREATE INDEX "article_entities_entity_id_article_id_idx" ON "article_entities" ("entity_id","article_id");--> statement-breakpoint
CREATE INDEX "event_mentions_event_id_id_idx" ON "event_mentions" ("event_id","id");--> statement-breakpoint
CREATE INDEX "event_mentions_article_id_id_idx" ON "event_mentions" ("article_id","id");--> statement-breakpoint
CREATE INDEX "event_participants_entity_id_event_id_idx" ON "event_participants" ("entity_id","event_id");--> statement-breakpoint
CREATE INDEX "events_place_id_id_idx" ON "events" ("place_id","id");--> statement-breakpoint
CREATE INDEX "figures_article_id_start_idx" ON "figures" ("article_id","start");--> statement-breakpoint
CREATE INDEX "quotes_article_id_start_idx" ON "quotes" ("article_id","start");--> statement-breakpoint
CREATE INDEX "quotes_speaker_id_id_idx" ON "quotes" ("speaker_id","id");
-- Trigram matching, for name searches that match part of a name (people(name: "Blair")).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

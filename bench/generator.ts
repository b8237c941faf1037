// A benchmark corpus at scale: synthetic articles derived from real extracted ones, and a bulk
// loader that writes them with the same rows storeArticle (src/ingest/pipeline.ts) would write,
// many articles per statement. tests/bench-generator.test.ts proves the two give identical rows.
import type { Store } from "../src/db/client.js";
import { contentHash, figureColumns, sourceFromUrl, type ArticleOrigin } from "../src/ingest/pipeline.js";
import { type EntityColumns, EntityIndex, entityWrites, nameKey } from "../src/ingest/entities.js";
import { type EventSummary, MATCH_THRESHOLD, datesFittingReport, eventSimilarity, mergeSummaries, summarizeEvent } from "../src/ingest/match.js";
import { CANDIDATE_WINDOW_DAYS, MAX_CANDIDATES } from "../src/ingest/merge.js";
import { addDays, daysBetween } from "../src/extract/dates.js";
import type { EventRecord, ExtractedArticle, EntityRecords } from "../src/extract/types.js";

// ---------------------------------------------------------------- synthesis

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = [
  "dailyherald.example", "morningpost.example", "wirenews.example", "globaltimes.example", "citydesk.example",
  "northstar.example", "capitalreport.example", "coastalnews.example", "thesentinel.example", "ledger.example",
  "evening-standard.example", "tribune.example", "observer.example", "courier.example", "gazette.example",
  "chronicle.example", "dispatch.example", "examiner.example", "beacon.example", "register.example",
];

export interface SynthOptions {
  seed?: number;
  /** First publication date (ISO) and the span of days dates are spread over. */
  startDate?: string;
  spanDays?: number;
  /** Probability that each person of an article is swapped for another from the extracted set. */
  swapProbability?: number;
}

export interface SyntheticArticle {
  origin: ArticleOrigin;
  extracted: ExtractedArticle;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replaces whole-word names in `text`; returns the new text and a map of old offsets to new ones. */
function replaceNames(text: string, pattern: RegExp | null, mapping: Map<string, string>): { text: string; map: (offset: number) => number } {
  if (!pattern) return { text, map: (o) => o };
  const pieces: string[] = [];
  const edits: { start: number; end: number; delta: number }[] = [];
  let last = 0;
  let delta = 0;
  for (const m of text.matchAll(pattern)) {
    const replacement = mapping.get(m[0])!;
    pieces.push(text.slice(last, m.index), replacement);
    last = m.index + m[0].length;
    delta += replacement.length - m[0].length;
    edits.push({ start: m.index, end: last, delta });
  }
  pieces.push(text.slice(last));
  return {
    text: pieces.join(""),
    map: (offset) => {
      let d = 0;
      for (const e of edits) {
        if (e.end <= offset) d = e.delta;
        else break;
      }
      return offset + d;
    },
  };
}

/**
 * An endless, deterministic stream of synthetic articles: each a real extracted article with its
 * own date, outlet and URL, its paragraphs after the first shuffled, and some people swapped for
 * other people of the extracted set (in the text, the quotes, the events and the entity records).
 * Offsets are recomputed, so every record's text is still body.slice(start, end).
 */
export function* synthesize(bases: ExtractedArticle[], options: SynthOptions = {}): Generator<SyntheticArticle> {
  const random = rng(options.seed ?? 1);
  const startDate = options.startDate ?? "2015-01-01";
  const spanDays = options.spanDays ?? 3650;
  const swapProbability = options.swapProbability ?? 0.5;
  const pool = bases.flatMap((b) => b.entities.people).filter((p) => p.name.includes(" "));
  const usable = bases.filter((b) => b.body.trim() !== "");
  if (usable.length === 0) throw new Error("no base articles with text");
  for (let n = 0; ; n++) {
    const base = usable[n % usable.length];
    // Names to swap: a person's full name and surname to another person's.
    const mapping = new Map<string, string>();
    for (const person of base.entities.people) {
      if (pool.length === 0 || random() >= swapProbability || !person.name.includes(" ")) continue;
      const other = pool[Math.floor(random() * pool.length)];
      if (other.name === person.name) continue;
      mapping.set(person.name, other.name);
      const [oldLast, newLast] = [person.name.split(" ").at(-1)!, other.name.split(" ").at(-1)!];
      for (const alias of person.aliases) if (alias === oldLast && !mapping.has(alias)) mapping.set(alias, newLast);
    }
    const keys = [...mapping.keys()].sort((a, b) => b.length - a.length);
    const pattern = keys.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${keys.map(escapeRegex).join("|")})(?![\\p{L}\\p{N}])`, "gu") : null;
    const swap = (s: string) => (pattern ? s.replace(pattern, (m) => mapping.get(m)!) : s);
    const swapName = (s: string) => mapping.get(s) ?? s;

    // Paragraphs with their old offsets; all but the first shuffled.
    const paragraphs: { start: number; end: number }[] = [];
    const re = /[^\n]+(?:\n(?!\n)[^\n]*)*/g;
    for (const m of base.body.matchAll(re)) paragraphs.push({ start: m.index, end: m.index + m[0].length });
    const order = paragraphs.map((_, i) => i);
    for (let i = order.length - 1; i > 1; i--) {
      const j = 1 + Math.floor(random() * i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const newParts: string[] = [];
    const placed = new Map<number, { offset: number; map: (o: number) => number }>();
    let offset = 0;
    for (const [k, p] of order.entries()) {
      if (k > 0) {
        newParts.push("\n\n");
        offset += 2;
      }
      const replaced = replaceNames(base.body.slice(paragraphs[p].start, paragraphs[p].end), pattern, mapping);
      placed.set(p, { offset, map: replaced.map });
      newParts.push(replaced.text);
      offset += replaced.text.length;
    }
    const body = newParts.join("");
    /** New span of an old one, or null when it crosses paragraphs. */
    const move = (start: number, end: number): { start: number; end: number } | null => {
      const p = paragraphs.findIndex((q) => q.start <= start && end <= q.end);
      if (p < 0) return null;
      const { offset: at, map } = placed.get(p)!;
      const base0 = paragraphs[p].start;
      return { start: at + map(start - base0), end: at + map(end - base0) };
    };

    const date = addDays(startDate, Math.floor(random() * spanDays));
    const source = SOURCES[Math.floor(random() * SOURCES.length)];
    const entities: EntityRecords = {
      people: dedupeBy(
        base.entities.people.map((p) => ({ ...p, name: swapName(p.name), aliases: p.aliases.map(swapName) })),
        (p) => p.name,
      ),
      places: base.entities.places,
      organizations: base.entities.organizations,
    };
    const quotes = base.quotes.flatMap((q) => {
      const span = move(q.start, q.end);
      return span ? [{ ...q, ...span, text: body.slice(span.start, span.end), speaker: q.speaker && swapName(q.speaker) }] : [];
    });
    const figures = base.figures.flatMap((f) => {
      const span = move(f.start, f.end);
      return span ? [{ ...f, ...span, text: body.slice(span.start, span.end) }] : [];
    });
    const events = base.events.flatMap((e): EventRecord[] => {
      const span = move(e.start, e.end);
      if (!span) return [];
      return [
        {
          ...e,
          ...span,
          text: body.slice(span.start, span.end),
          sentence: swap(e.sentence),
          title: swap(e.title),
          participants: e.participants.map(swapName),
          ...(e.people ? { people: e.people.map(swapName) } : {}),
          // An event the article dated keeps its distance from the (new) publication date.
          date: e.date && base.publishedAt ? addDays(date, daysBetween(base.publishedAt, e.date)) : e.date,
        },
      ];
    });
    yield {
      origin: { url: `https://${source}/news/${date.slice(0, 4)}/${n + 1}`, source },
      extracted: { ...base, title: base.title && swap(base.title), publishedAt: date, body, entities, quotes, figures, events },
    };
  }
}

function dedupeBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

// ---------------------------------------------------------------- bulk loading

interface EntityRow extends EntityColumns {
  id: number;
}

interface EventRow {
  id: number;
  type: string;
  mode: string | null;
  title: string;
  date: string | null;
  place_id: number | null;
  status: string;
  first_reported_at: string;
  last_reported_at: string;
  summary: EventSummary;
}

/** Events of one type indexed the way findMatchingEvent (src/ingest/merge.ts) selects candidates. */
class EventIndex {
  /** dated events by date; undated events by last report date. */
  readonly byDate = new Map<string, Set<number>>();
  readonly undatedByReport = new Map<string, Set<number>>();
  add(e: EventRow) {
    const [map, key] = e.date ? [this.byDate, e.date] : [this.undatedByReport, e.last_reported_at];
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(e.id);
  }
  remove(e: EventRow) {
    (e.date ? this.byDate.get(e.date) : this.undatedByReport.get(e.last_reported_at))?.delete(e.id);
  }
}

/**
 * Writes synthetic (or real) extracted articles with the rows storeArticle would write for them
 * one by one, in that order, on a store that starts empty: entity resolution, event matching and
 * merging are replayed in memory with the same functions and rules (src/ingest/entities.ts,
 * merge.ts), ids are assigned in the same order, and rows go out in batches of multi-row
 * INSERT ... SELECT FROM jsonb_populate_recordset (one statement per table per batch).
 */
export class BulkLoader {
  private nextId = { articles: 1, entities: 1, events: 1, event_mentions: 1, quotes: 1, figures: 1, feed_entries: 1 };
  private readonly hashes = new Set<string>();
  private readonly urls = new Set<string>();
  private readonly entityRows: EntityRow[] = [];
  /** alias key -> entity ids having it. */
  private readonly byAliasKey = new Map<string, Set<number>>();
  private readonly byKindNameKey = new Map<string, number>();
  private readonly eventRows: EventRow[] = [];
  private readonly eventIndexes = new Map<string, EventIndex>();
  private readonly participantPairs = new Set<string>();
  private pending = this.emptyBatch();
  private dirtyEntities = new Set<number>();
  private dirtyEvents = new Set<number>();
  articles = 0;
  duplicates = 0;

  constructor(
    private readonly store: Store,
    private readonly options: { batchSize?: number; today?: string } = {},
  ) {}

  private emptyBatch() {
    return {
      articles: [] as Record<string, unknown>[],
      entities: [] as number[],
      events: [] as number[],
      article_entities: [] as Record<string, unknown>[],
      quotes: [] as Record<string, unknown>[],
      figures: [] as Record<string, unknown>[],
      event_mentions: [] as Record<string, unknown>[],
      event_participants: [] as Record<string, unknown>[],
      feed_entries: [] as Record<string, unknown>[],
    };
  }

  /** Refuses to load into a store that already has articles: ids and merges assume an empty one. */
  async assertEmpty(): Promise<void> {
    const [row] = await this.store.rows<{ n: number | string }>("select (select count(*) from articles) + (select count(*) from entities) as n");
    if (Number(row.n) !== 0) throw new Error("BulkLoader needs an empty store");
  }

  /** Adds one article (as storeArticle would); returns false for a duplicate (same URL or text). */
  async add(origin: ArticleOrigin, extracted: ExtractedArticle): Promise<boolean> {
    const hash = contentHash(extracted.body);
    if (this.hashes.has(hash) || (origin.url !== null && this.urls.has(origin.url))) {
      this.duplicates++;
      return false;
    }
    this.hashes.add(hash);
    if (origin.url !== null) this.urls.add(origin.url);
    const articleId = this.nextId.articles++;
    this.pending.articles.push({
      id: articleId,
      url: origin.url,
      source: origin.source ?? sourceFromUrl(origin.url),
      title: extracted.title,
      published_at: extracted.publishedAt,
      body: extracted.body,
      language: extracted.language,
      content_hash: hash,
    });
    const index = this.resolveEntities(extracted.entities);
    for (const entityId of index.ids) this.pending.article_entities.push({ article_id: articleId, entity_id: entityId });
    for (const q of extracted.quotes) {
      this.pending.quotes.push({
        id: this.nextId.quotes++,
        article_id: articleId,
        speaker_id: index.speakerOf(q.speaker),
        text: q.text,
        start: q.start,
        end: q.end,
      });
    }
    for (const f of extracted.figures) {
      this.pending.figures.push({
        id: this.nextId.figures++,
        article_id: articleId,
        ...figureColumns(f),
      });
    }
    const publishedAt = extracted.publishedAt;
    const added: number[] = [];
    const updated: number[] = [];
    for (const event of extracted.events) {
      const summary = summarizeEvent(event, publishedAt);
      const placeId = event.place ? (index.find(event.place, ["place"]) ?? null) : null;
      const participantIds = [...new Set(event.participants.map((p) => index.find(p)).filter((id) => id !== undefined))];
      const stored = this.findMatchingEvent(summary, publishedAt, placeId, participantIds);
      let eventId: number;
      if (stored) {
        const idx = this.eventIndex(stored.type);
        idx.remove(stored);
        stored.summary = jsonRoundTrip(mergeSummaries(stored.summary, summary));
        stored.date = stored.date ?? event.date;
        stored.place_id = stored.place_id ?? placeId;
        const status = event.status === "occurred" && stored.status !== "occurred" ? "occurred" : stored.status;
        if (status !== stored.status) stored.title = event.title;
        stored.status = status;
        if (publishedAt && publishedAt < stored.first_reported_at) stored.first_reported_at = publishedAt;
        if (publishedAt && publishedAt > stored.last_reported_at) stored.last_reported_at = publishedAt;
        idx.add(stored);
        this.dirtyEvents.add(stored.id);
        eventId = stored.id;
        if (!added.includes(eventId) && !updated.includes(eventId)) updated.push(eventId);
      } else {
        const reportedAt = publishedAt ?? event.date ?? this.options.today ?? new Date().toISOString().slice(0, 10);
        const row: EventRow = {
          id: this.nextId.events++,
          type: event.type,
          mode: event.mode,
          title: event.title,
          date: event.date,
          place_id: placeId,
          status: event.status,
          first_reported_at: reportedAt,
          last_reported_at: reportedAt,
          summary: jsonRoundTrip(summary),
        };
        this.eventRows[row.id] = row;
        this.eventIndex(row.type).add(row);
        this.pending.events.push(row.id);
        eventId = row.id;
        added.push(eventId);
      }
      this.pending.event_mentions.push({
        id: this.nextId.event_mentions++,
        event_id: eventId,
        article_id: articleId,
        evidence: event.text,
        sentence: event.sentence,
        start: event.start,
        end: event.end,
      });
      for (const entityId of participantIds) {
        const key = `${eventId}:${entityId}`;
        if (this.participantPairs.has(key)) continue;
        this.participantPairs.add(key);
        this.pending.event_participants.push({ event_id: eventId, entity_id: entityId });
      }
    }
    for (const [kind, ids] of [["added", added], ["updated", updated]] as const) {
      for (const eventId of ids) this.pending.feed_entries.push({ seq: this.nextId.feed_entries++, kind, event_id: eventId, article_id: articleId });
    }
    this.articles++;
    if (this.pending.articles.length >= (this.options.batchSize ?? 500)) await this.flush();
    return true;
  }

  private eventIndex(type: string): EventIndex {
    let idx = this.eventIndexes.get(type);
    if (!idx) this.eventIndexes.set(type, (idx = new EventIndex()));
    return idx;
  }

  /** findMatchingEvent (merge.ts) over the in-memory events: same candidates, same order, same choice. */
  private findMatchingEvent(summary: EventSummary, publishedAt: string | null, placeId: number | null, participantIds: number[]): EventRow | null {
    const idx = this.eventIndexes.get(summary.type);
    if (!idx) return null;
    const anchor = summary.date ?? publishedAt;
    const ids: number[] = [];
    const collect = (set: Set<number> | undefined) => set && ids.push(...set);
    if (anchor) {
      if (summary.date) collect(idx.byDate.get(summary.date));
      else {
        const fitting = datesFittingReport(anchor, summary.status);
        for (let day = fitting.from; day <= fitting.to; day = addDays(day, 1)) collect(idx.byDate.get(day));
      }
      for (let d = -CANDIDATE_WINDOW_DAYS; d <= CANDIDATE_WINDOW_DAYS; d++) collect(idx.undatedByReport.get(addDays(anchor, d)));
    } else {
      // Neither the event nor its article is dated: events of the type sharing its place or a participant.
      for (const set of [...idx.byDate.values(), ...idx.undatedByReport.values()]) {
        for (const id of set) {
          const row = this.eventRows[id];
          const sharesPlace = placeId !== null && row.place_id === placeId;
          if (sharesPlace || participantIds.some((p) => this.participantPairs.has(`${id}:${p}`))) ids.push(id);
        }
      }
    }
    // The newest MAX_CANDIDATES, oldest first, as merge.ts reads them.
    ids.sort((a, b) => a - b).splice(0, Math.max(0, ids.length - MAX_CANDIDATES));
    let best: EventRow | null = null;
    let bestScore = MATCH_THRESHOLD - Number.EPSILON;
    for (const id of ids) {
      const candidate = this.eventRows[id];
      const score = eventSimilarity(summary, candidate.summary);
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  /** resolveEntities (entities.ts) over the in-memory entities. */
  private resolveEntities(records: EntityRecords): EntityIndex {
    const index = new EntityIndex();
    const writes = entityWrites(records);
    if (writes.length === 0) return index;
    const allKeys = [...new Set(writes.flatMap((w) => [w.name, ...w.aliases].map(nameKey)))];
    // The snapshot the article's one SELECT sees: rows overlapping its keys, with their keys then.
    const snapshotIds = new Set<number>();
    for (const key of allKeys) for (const id of this.byAliasKey.get(key) ?? []) snapshotIds.add(id);
    const existing = [...snapshotIds].sort((a, b) => a - b).map((id) => ({ id, kind: this.entityRows[id].kind, aliasKeys: [...this.entityRows[id].alias_keys] }));
    for (const write of writes) {
      const names = [write.name, ...write.aliases];
      const keys = [...new Set(names.map(nameKey).filter(Boolean))];
      const known = existing.find((row) => row.kind === write.kind && row.aliasKeys.some((k) => keys.includes(k)));
      const values = {
        name: write.name,
        aliases: names.filter((n) => nameKey(n) !== nameKey(write.name)),
        role: write.role ?? null,
        country: write.country ?? null,
        placeKind: write.placeKind ?? null,
        latitude: write.latitude ?? null,
        longitude: write.longitude ?? null,
      };
      const conflict = known ? undefined : this.byKindNameKey.get(`${write.kind}:${nameKey(write.name)}`);
      const targetId = known?.id ?? conflict;
      let id: number;
      if (targetId !== undefined) {
        // UPDATE ... set mergedColumns(names | excluded.aliases, keys)
        const row = this.entityRows[targetId];
        const newAliases = known ? names : values.aliases;
        row.aliases = [...new Set([...row.aliases, ...newAliases])].filter((a) => a !== row.name);
        const before = new Set(row.alias_keys);
        row.alias_keys = [...new Set([...row.alias_keys, ...keys])];
        for (const k of row.alias_keys) if (!before.has(k)) this.indexAliasKey(k, row.id);
        row.role ??= values.role;
        row.country ??= values.country;
        row.place_kind ??= values.placeKind;
        row.latitude ??= values.latitude;
        row.longitude ??= values.longitude;
        this.dirtyEntities.add(row.id);
        id = row.id;
      } else {
        const row: EntityRow = {
          id: this.nextId.entities++,
          kind: write.kind,
          name: write.name,
          name_key: nameKey(write.name),
          aliases: values.aliases,
          alias_keys: keys,
          role: values.role,
          country: values.country,
          place_kind: values.placeKind,
          latitude: values.latitude,
          longitude: values.longitude,
        };
        this.entityRows[row.id] = row;
        this.byKindNameKey.set(`${row.kind}:${row.name_key}`, row.id);
        for (const k of keys) this.indexAliasKey(k, row.id);
        this.pending.entities.push(row.id);
        id = row.id;
      }
      index.add(write.kind, names, id);
    }
    return index;
  }

  private indexAliasKey(key: string, id: number) {
    let set = this.byAliasKey.get(key);
    if (!set) this.byAliasKey.set(key, (set = new Set()));
    set.add(id);
  }

  /** Writes everything added since the last flush (new rows, then the changed state of older ones). */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = this.emptyBatch();
    const newEntities = new Set(batch.entities);
    const newEvents = new Set(batch.events);
    const entityCols = "id, kind, name, name_key, aliases, alias_keys, role, country, place_kind, latitude, longitude";
    await this.insert("entities", entityCols, batch.entities.map((id) => this.entityRows[id]), true);
    await this.insert("articles", "id, url, source, title, published_at, body, language, content_hash", batch.articles, true);
    await this.insert("article_entities", "article_id, entity_id", batch.article_entities, false);
    await this.insert("quotes", 'id, article_id, speaker_id, text, start, "end"', batch.quotes, true);
    await this.insert("figures", 'id, article_id, value, unit, measure, qualifier, text, start, "end"', batch.figures, true);
    const eventCols = "id, type, mode, title, date, place_id, status, first_reported_at, last_reported_at, summary";
    await this.insert("events", eventCols, batch.events.map((id) => this.eventRows[id]), true);
    await this.insert("event_mentions", 'id, event_id, article_id, evidence, sentence, start, "end"', batch.event_mentions, true);
    await this.insert("event_participants", "event_id, entity_id", batch.event_participants, false);
    await this.insert("feed_entries", "seq, kind, event_id, article_id", batch.feed_entries, true);
    const changedEntities = [...this.dirtyEntities].filter((id) => !newEntities.has(id)).map((id) => this.entityRows[id]);
    const changedEvents = [...this.dirtyEvents].filter((id) => !newEvents.has(id)).map((id) => this.eventRows[id]);
    this.dirtyEntities = new Set();
    this.dirtyEvents = new Set();
    if (changedEntities.length > 0) {
      await this.store.rows(
        `update entities e set aliases = x.aliases, alias_keys = x.alias_keys, role = x.role, country = x.country,
           place_kind = x.place_kind, latitude = x.latitude, longitude = x.longitude
         from jsonb_populate_recordset(null::entities, $1::text::jsonb) x where e.id = x.id`,
        [JSON.stringify(changedEntities)],
      );
    }
    if (changedEvents.length > 0) {
      await this.store.rows(
        `update events e set summary = x.summary, date = x.date, place_id = x.place_id, status = x.status,
           first_reported_at = x.first_reported_at, last_reported_at = x.last_reported_at, updated_at = now()
         from jsonb_populate_recordset(null::events, $1::text::jsonb) x where e.id = x.id`,
        [JSON.stringify(changedEvents)],
      );
    }
  }

  /** Ends the load: writes what is pending and moves every identity past the ids used. */
  async finish(): Promise<void> {
    await this.flush();
    for (const [table, column] of [["articles", "id"], ["entities", "id"], ["events", "id"], ["event_mentions", "id"], ["quotes", "id"], ["figures", "id"], ["feed_entries", "seq"]] as const) {
      const used = this.nextId[table] - 1;
      if (used > 0) await this.store.rows(`select setval(pg_get_serial_sequence('${table}', '${column}'), ${used})`);
    }
  }

  private async insert(table: string, columns: string, rows: object[], identity: boolean) {
    // Keep each statement's JSON moderate: PostgreSQL's jsonb tops out at 256 MiB, memory well before.
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000);
      await this.store.rows(
        `insert into ${table} (${columns}) ${identity ? "overriding system value " : ""}
         select ${columns} from jsonb_populate_recordset(null::${table}, $1::text::jsonb)`,
        [JSON.stringify(chunk)],
      );
    }
  }
}

function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

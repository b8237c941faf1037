import type { Store } from "../db/client.js";
import { lookupKeys } from "../ingest/entities.js";
import { FEED_CHANNEL } from "./channel.js";

export type FeedKind = "added" | "updated";

/** One row of the feed log with what subscribers filter on. */
export interface FeedEntry {
  seq: number;
  kind: FeedKind;
  eventId: number;
  articleId: number;
  type: string;
  /** Folded names and aliases of the event's place. */
  placeKeys: string[];
  /** Folded names and aliases of the event's participants. */
  participantKeys: string[];
  /**
   * Loads done once per entry for all its subscribers, by a key the loader chooses: ten thousand
   * subscribers with the same selection cost one query, not ten thousand.
   */
  sharedLoads: Map<string, Promise<unknown>>;
}

export interface FeedFilter {
  kinds: FeedKind[];
  type?: string | null;
  participant?: string | null;
  place?: string | null;
  /** Replay entries after this sequence number before going live. */
  afterSeq?: number | null;
}

const PAGE = 500;
const ENTRY_COLUMNS = `
  f.seq::bigint as seq, f.kind, f.event_id as "eventId", f.article_id as "articleId", e.type,
  coalesce((select p.alias_keys from entities p where p.id = e.place_id), '{}') as "placeKeys",
  coalesce((select array_agg(k) from event_participants ep join entities x on x.id = ep.entity_id,
    unnest(x.alias_keys) k where ep.event_id = e.id), '{}') as "participantKeys"`;

function normalizeEntry(row: Omit<FeedEntry, "sharedLoads">): FeedEntry {
  return { ...row, seq: Number(row.seq), sharedLoads: new Map() };
}

/** Encodes a feed position for clients; opaque so that its form can change. */
export function encodeFeedCursor(seq: number): string {
  return Buffer.from(`feed:${seq}`).toString("base64url");
}

export function decodeFeedCursor(cursor: string): number | null {
  const match = /^feed:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString());
  return match ? Number(match[1]) : null;
}

/** A subscription's filter with its names resolved to stored-name keys once, not per entry. */
interface EntryMatcher {
  kinds: FeedKind[];
  type: string | null;
  placeKeys: string[] | null;
  participantKeys: string[] | null;
}

function matcherOf(filter: FeedFilter): EntryMatcher {
  return {
    kinds: filter.kinds,
    type: filter.type ?? null,
    placeKeys: filter.place ? lookupKeys(filter.place) : null,
    participantKeys: filter.participant ? lookupKeys(filter.participant) : null,
  };
}

function matches(entry: FeedEntry, matcher: EntryMatcher): boolean {
  if (!matcher.kinds.includes(entry.kind)) return false;
  if (matcher.type && entry.type !== matcher.type) return false;
  if (matcher.placeKeys && !matcher.placeKeys.some((k) => entry.placeKeys.includes(k))) return false;
  if (matcher.participantKeys && !matcher.participantKeys.some((k) => entry.participantKeys.includes(k))) return false;
  return true;
}

/** A subscriber's queue: entries pushed by the hub, pulled by the subscription's iterator. */
class Subscriber {
  private readonly queue: FeedEntry[] = [];
  private wake: (() => void) | null = null;
  closed = false;

  constructor(readonly matcher: EntryMatcher) {}

  /** Entries waiting to be pulled, oldest first (read-only view). */
  get queued(): readonly FeedEntry[] {
    return this.queue;
  }

  push(entry: FeedEntry): void {
    this.queue.push(entry);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async next(): Promise<FeedEntry | null> {
    while (this.queue.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return this.queue.shift() ?? null;
  }
}

/** A subscription's entries; `queued()` shows live entries already waiting behind the next one. */
export interface FeedIterator extends AsyncIterableIterator<FeedEntry> {
  queued(): readonly FeedEntry[];
}

/**
 * Delivers the feed log to this process's subscribers. Every process LISTENs on the feed
 * channel and reads the log itself, so ingests in any process reach every subscriber, and
 * a reconnected LISTEN catches up from the last sequence number it saw.
 */
export class FeedHub {
  private lastSeq = 0;
  private readonly subscribers = new Set<Subscriber>();
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly store: Store) {}

  /** The sequence number of the newest committed feed entry (0 when the feed is empty). */
  async latestSeq(): Promise<number> {
    const [row] = await this.store.rows<{ seq: string | number | null }>("select max(seq) as seq from feed_entries");
    return Number(row?.seq ?? 0);
  }

  async start(): Promise<void> {
    this.lastSeq = await this.latestSeq();
    this.unlisten = await this.store.listen(
      FEED_CHANNEL,
      () => void this.poll(),
      () => void this.poll(),
    );
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    await this.polling;
    for (const subscriber of this.subscribers) subscriber.close();
    this.subscribers.clear();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Reads new log rows in order and hands them out; concurrent calls coalesce into one more pass. */
  poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = (async () => {
      do {
        this.pollAgain = false;
        for (;;) {
          const rows = await this.readAfter(this.lastSeq);
          for (const entry of rows) {
            this.lastSeq = entry.seq;
            for (const subscriber of this.subscribers) if (matches(entry, subscriber.matcher)) subscriber.push(entry);
          }
          if (rows.length < PAGE) break;
        }
      } while (this.pollAgain);
    })().finally(() => (this.polling = null));
    return this.polling;
  }

  private async readAfter(seq: number): Promise<FeedEntry[]> {
    const rows = await this.store.rows<Omit<FeedEntry, "sharedLoads">>(
      `select ${ENTRY_COLUMNS} from feed_entries f join events e on e.id = f.event_id
       where f.seq > $1 order by f.seq limit ${PAGE}`,
      [seq],
    );
    return rows.map(normalizeEntry);
  }

  /**
   * Entries matching the filter: first those after `afterSeq` from the log, then live ones,
   * each exactly once and in sequence order. A plain iterator rather than an async generator,
   * so that a client's unsubscribe ends it at once even while it waits for the next entry.
   */
  subscribe(filter: FeedFilter): FeedIterator {
    const subscriber = new Subscriber(matcherOf(filter));
    // Registered before the replay reads the log, so nothing committed meanwhile is missed.
    this.subscribers.add(subscriber);
    let delivered = filter.afterSeq ?? 0;
    let replay: FeedEntry[] = [];
    let replaying = filter.afterSeq != null;
    const finish = (): IteratorResult<FeedEntry> => {
      this.subscribers.delete(subscriber);
      subscriber.close();
      return { done: true, value: undefined };
    };
    const next = async (): Promise<IteratorResult<FeedEntry>> => {
      while (replaying && !subscriber.closed) {
        const entry = replay.shift();
        if (entry) {
          delivered = entry.seq;
          if (matches(entry, subscriber.matcher)) return { done: false, value: entry };
          continue;
        }
        replay = await this.readAfter(delivered);
        if (replay.length === 0) replaying = false;
      }
      for (;;) {
        const entry = await subscriber.next();
        if (!entry) return finish();
        if (entry.seq <= delivered) continue;
        delivered = entry.seq;
        return { done: false, value: entry };
      }
    };
    return {
      next,
      queued: () => (replaying ? [] : subscriber.queued),
      return: async () => finish(),
      throw: async (error: unknown) => {
        finish();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

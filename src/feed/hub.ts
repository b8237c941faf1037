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
/** Subscribers handed new entries at a time (see FeedHub.handOut). */
const FANOUT_SLICE = 256;
/** Longest wait for a slice's subscribers to take their entries before the next slice gets them. */
const SLICE_WAIT_MS = 50;
const ENTRY_COLUMNS = `
  f.seq::bigint as seq, f.kind, f.event_id as "eventId", f.article_id as "articleId", e.type,
  coalesce((select p.alias_keys from entities p where p.id = e.place_id), '{}') as "placeKeys",
  coalesce((select array_agg(k) from event_participants ep join entities x on x.id = ep.entity_id,
    unnest(x.alias_keys) k where ep.event_id = e.id), '{}') as "participantKeys"`;

/** Waits for `promise`, at most `ms`. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

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

/**
 * How a transport waits for a subscription's entries without a pending next(): between entries a
 * pending next() holds a chain of promises through every layer of the result stream, per
 * subscriber, long enough to be promoted to V8's old generation (with 11,000 subscribers the old
 * generation grew by some 650 MiB of such garbage between collections). A transport that registers here pulls
 * only when `ready`, and says when it is `settled` again.
 */
export interface EntryReadiness {
  /** next() would answer without waiting for a new entry: one is queued, the replay runs, or the subscription ended. */
  readonly ready: boolean;
  /** `listener` runs whenever the subscription becomes ready; the transport pulls then, not before. */
  onReady(listener: () => void): void;
  /** The transport has written what it pulled and waits for `onReady` again. */
  settled(): void;
}

/** A subscription's entries; `queued()` shows live entries already waiting behind the next one. */
export interface FeedIterator extends AsyncIterableIterator<FeedEntry>, EntryReadiness {
  queued(): readonly FeedEntry[];
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * One subscription: entries after `afterSeq` from the log first, then live ones pushed by the hub,
 * each exactly once and in sequence order. A plain iterator rather than an async generator, so that
 * a client's unsubscribe ends it at once even while it waits for the next entry; a live entry
 * pushed while the consumer waits resolves its pending next() directly (one promise per delivery).
 */
class Subscription implements FeedIterator {
  /** Live entries waiting to be pulled, oldest first. */
  private readonly queue: FeedEntry[] = [];
  /** Resolves the consumer's pending next(), if it waits for a live entry. */
  private waiting: ((item: IteratorResult<FeedEntry>) => void) | null = null;
  /** The transport that pulls when told (see EntryReadiness), if one registered. */
  private readyListener: (() => void) | null = null;
  /** Resolves the hub's nextPull(): the consumer is done with what it had, or gone. */
  private pulled: (() => void) | null = null;
  /** The sequence number of the last entry handed out (or skipped by the replay). */
  private delivered: number;
  private replaying: boolean;
  private replay: FeedEntry[] = [];
  private closed = false;

  constructor(
    readonly matcher: EntryMatcher,
    afterSeq: number | null | undefined,
    private readonly readAfter: (seq: number) => Promise<FeedEntry[]>,
    private readonly onFinish: (subscription: Subscription) => void,
  ) {
    this.delivered = afterSeq ?? 0;
    this.replaying = afterSeq != null;
  }

  /** A live entry matching this subscription, from the hub; true when its consumer was handed or told of it. */
  push(entry: FeedEntry): boolean {
    const waiting = this.waiting;
    if (!waiting) {
      if (this.closed) return false;
      this.queue.push(entry);
      const listener = this.readyListener;
      listener?.();
      return listener !== null;
    }
    // A consumer waits only when nothing is queued and the replay is over: the entry is next in
    // order, unless the replay already handed it out.
    if (entry.seq <= this.delivered) return false;
    this.waiting = null;
    this.delivered = entry.seq;
    waiting({ done: false, value: entry });
    return true;
  }

  /** Its consumer waits in a pending next(). */
  get pulling(): boolean {
    return this.waiting !== null;
  }

  get ready(): boolean {
    return this.replaying || this.queue.length > 0 || this.closed;
  }

  onReady(listener: () => void): void {
    this.readyListener = listener;
  }

  settled(): void {
    this.signalPull();
  }

  /**
   * Settles when the consumer is done with what it was handed: it asks for the next entry (or,
   * registered through onReady, says it settled), or the subscription ends.
   */
  nextPull(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => (this.pulled = resolve));
  }

  private signalPull(): void {
    const pulled = this.pulled;
    this.pulled = null;
    pulled?.();
  }

  queued(): readonly FeedEntry[] {
    return this.replaying ? [] : this.queue;
  }

  next(): Promise<IteratorResult<FeedEntry>> {
    if (!this.readyListener) this.signalPull();
    if (this.replaying) return this.nextReplayed();
    while (this.queue.length > 0) {
      const entry = this.queue.shift()!;
      // Entries the replay already handed out were queued meanwhile: skip them.
      if (entry.seq <= this.delivered) continue;
      this.delivered = entry.seq;
      return Promise.resolve({ done: false, value: entry });
    }
    if (this.closed) return Promise.resolve(DONE);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  private async nextReplayed(): Promise<IteratorResult<FeedEntry>> {
    while (!this.closed) {
      const entry = this.replay.shift();
      if (entry) {
        this.delivered = entry.seq;
        if (matches(entry, this.matcher)) return { done: false, value: entry };
        continue;
      }
      this.replay = await this.readAfter(this.delivered);
      if (this.replay.length === 0) {
        this.replaying = false;
        return this.next();
      }
    }
    return DONE;
  }

  /** Ends the subscription: entries already queued are still handed out, then next() gives done. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onFinish(this);
    this.signalPull();
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(DONE);
    this.readyListener?.();
  }

  async return(): Promise<IteratorResult<FeedEntry>> {
    this.close();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<FeedEntry>> {
    this.close();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Delivers the feed log to this process's subscribers. Every process LISTENs on the feed
 * channel and reads the log itself, so ingests in any process reach every subscriber, and
 * a reconnected LISTEN catches up from the last sequence number it saw.
 */
export class FeedHub {
  private lastSeq = 0;
  private readonly subscribers = new Set<Subscription>();
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
    for (const subscription of this.subscribers) subscription.close();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Subscribers whose consumers wait in a pending next() (transports that wait on readiness do not: src/http/). */
  get pullingCount(): number {
    let pulling = 0;
    for (const subscription of this.subscribers) if (subscription.pulling) pulling++;
    return pulling;
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
          if (rows.length > 0) {
            this.lastSeq = rows[rows.length - 1].seq;
            await this.handOut(rows);
          }
          if (rows.length < PAGE) break;
        }
      } while (this.pollAgain);
    })().finally(() => (this.polling = null));
    return this.polling;
  }

  /**
   * Hands new entries to the subscribers, FANOUT_SLICE of them at a time: a slice's consumers take
   * their entries through to their sockets, and the event loop turns (WebSocket writes are sent
   * once per turn, src/http/ws-server.ts), before the next slice gets them (or SLICE_WAIT_MS
   * passes). Why: handed to ten thousand at once, every consumer's intermediate objects (results,
   * promises, messages) are alive together and the first subscribers wait for the last; in slices
   * the first are served first (subscription benchmark, 11,000 subscribers: p50 506 -> 167 ms,
   * CPU per event 0.20 -> 0.16 s). A subscriber arriving meanwhile starts after these entries, as
   * one arriving just after the poll; one resuming from a cursor replays them.
   */
  private async handOut(entries: FeedEntry[]): Promise<void> {
    const subscribers = [...this.subscribers];
    for (let start = 0; start < subscribers.length; start += FANOUT_SLICE) {
      const end = Math.min(start + FANOUT_SLICE, subscribers.length);
      const taking: Promise<void>[] = [];
      for (let i = start; i < end; i++) {
        const subscription = subscribers[i];
        let handed = false;
        for (const entry of entries) if (matches(entry, subscription.matcher) && subscription.push(entry)) handed = true;
        if (handed) taking.push(subscription.nextPull());
      }
      if (taking.length === 0 || end === subscribers.length) continue;
      await settledWithin(Promise.all(taking), SLICE_WAIT_MS);
      // A turn of the event loop, so that transports that batch writes per turn send this slice's.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async readAfter(seq: number): Promise<FeedEntry[]> {
    const rows = await this.store.rows<Omit<FeedEntry, "sharedLoads">>(
      `select ${ENTRY_COLUMNS} from feed_entries f join events e on e.id = f.event_id
       where f.seq > $1 order by f.seq limit ${PAGE}`,
      [seq],
    );
    return rows.map(normalizeEntry);
  }

  /** Entries matching the filter: those after `afterSeq` from the log first, then live ones (see Subscription). */
  subscribe(filter: FeedFilter): FeedIterator {
    // Registered before the replay reads the log, so nothing committed meanwhile is missed.
    const subscription = new Subscription(
      matcherOf(filter),
      filter.afterSeq,
      (seq) => this.readAfter(seq),
      (finished) => this.subscribers.delete(finished),
    );
    this.subscribers.add(subscription);
    return subscription;
  }
}

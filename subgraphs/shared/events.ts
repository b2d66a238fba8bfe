/**
 * What a subgraph publishes for its subscriptions (a decision taken, a message sent), and
 * how a subscriber reads it: live, or from an event id it saw last (a client that
 * reconnects, to the same replica or another, loses nothing inside the replay window).
 *
 * With Redis (REDIS_URL) every replica appends to one Redis stream (XADD, trimmed to the
 * window) and reads it with XREAD: an event published on replica A reaches subscribers
 * on replica B, and the stream's ids order events alike everywhere. A stream rather than
 * PUBLISH/SUBSCRIBE because it is one mechanism for both live delivery and replay: pub/sub
 * forgets what it delivered, so a resume would read the stream anyway, and the hand-over
 * from replay to live could lose or repeat an event. Without Redis the window is kept in
 * this process, with ids of the same form (`<ms>-<seq>`).
 *
 * A Redis outage never loses an event for this replica's own subscribers: it is delivered
 * here at once and the log says it did not reach the others.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger';
import type { SharedRedis } from '../../lib/redis';

export interface BusEvent<T = unknown> {
  /** `<ms>-<seq>`: ordered alike on every replica (Redis stream ids, or this process's own). */
  id: string;
  kind: string;
  payload: T;
}

/** Events kept for resuming (the replay window). */
export const REPLAY_WINDOW_EVENTS = 1000;
/** Events one subscriber may have waiting before it is cut off: a slow reader must not hold memory without bound. */
export const SUBSCRIBER_BACKLOG = 500;

export class ReplayWindowExceeded extends Error {
  constructor(lastEventId: string) {
    super(`events after ${lastEventId} are no longer kept (the replay window holds the last ${REPLAY_WINDOW_EVENTS}): load the data afresh, then subscribe without lastEventId`);
  }
}

export class SubscriberTooSlow extends Error {
  constructor() {
    super(`more than ${SUBSCRIBER_BACKLOG} events were waiting for this subscription: it was ended; subscribe again with the last event id you received`);
  }
}

type Listener = (event: BusEvent) => void;

export function compareEventIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

export const isEventId = (id: unknown): id is string => typeof id === 'string' && /^\d{1,15}-\d{1,15}$/.test(id);

export class EventBus {
  private readonly listeners = new Set<Listener>();
  /** This process's window: the only one without Redis, and what a replica has seen with it. */
  private readonly recent: BusEvent[] = [];
  /** The newest event that fell out of `recent`. */
  private trimmed = '0-0';
  private sequence = 0;
  private lastMs = 0;
  private reader?: Redis;
  private readingFrom = '$';
  private closed = false;
  private readonly streamKey: string;

  /** `name`: whose events (the subgraph's name), so two subgraphs on one Redis keep theirs apart. */
  constructor(
    name: string,
    private readonly logger: Logger,
    private readonly redis?: SharedRedis,
  ) {
    this.streamKey = `events:${name}`;
    if (redis) void this.follow(redis);
  }

  /** Subscriptions reading this bus now (/status says it: a test or an operator can see a subscriber is in place). */
  get subscribers(): number {
    return this.listeners.size;
  }

  async publish<T>(kind: string, payload: T): Promise<void> {
    const data = JSON.stringify({ kind, payload });
    if (this.redis && this.redis.state() === 'ready') {
      try {
        // Delivered when this replica's reader sees it come back, like everyone else's: one order for all.
        await this.redis.client.xadd(this.streamKey, 'MAXLEN', '~', String(REPLAY_WINDOW_EVENTS), '*', 'event', data);
        return;
      } catch (error) {
        this.logger.warn({ reason: (error as Error).message, kind }, 'event not shared through redis: delivered to this replica only');
      }
    }
    this.deliver({ id: this.nextLocalId(), kind, payload });
  }

  /**
   * Events after `lastEventId` (none: from now on), then live ones, in order. `accept`
   * filters (a subscription's arguments, the caller's jurisdiction) before an event takes
   * room in the backlog. An iterator, not a generator: `return()` must end it at once,
   * even while it waits for the next event (a generator would only hear of it then).
   */
  stream<T>(kinds: readonly string[], accept: (event: BusEvent<T>) => boolean, lastEventId?: string): AsyncIterableIterator<BusEvent<T>> {
    const waiting: BusEvent<T>[] = [];
    let wake: (() => void) | undefined;
    let failure: Error | undefined;
    let ended = false;
    // Never an event twice, nor out of order: one replayed may come by live as well (the reader lags the stream).
    let last = lastEventId ?? '0-0';
    const wanted = (event: BusEvent) => kinds.includes(event.kind) && accept(event as BusEvent<T>);
    const listener: Listener = (event) => {
      if (!this.closed && !wanted(event)) return;
      if (waiting.length >= SUBSCRIBER_BACKLOG) failure ??= new SubscriberTooSlow();
      else if (!this.closed) waiting.push(event as BusEvent<T>);
      wake?.();
    };
    this.listeners.add(listener);
    const end = (): IteratorResult<BusEvent<T>> => {
      ended = true;
      this.listeners.delete(listener);
      wake?.();
      return { done: true, value: undefined };
    };
    let replay: Promise<BusEvent[]> | undefined = lastEventId === undefined ? undefined : this.since(lastEventId);
    const iterator: AsyncIterableIterator<BusEvent<T>> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        if (replay) {
          let missed: BusEvent[];
          try {
            missed = await replay;
          } catch (error) {
            end();
            throw error;
          }
          replay = undefined;
          // Replayed first, ahead of anything that came live meanwhile.
          waiting.unshift(...(missed.filter(wanted) as BusEvent<T>[]));
        }
        while (!ended && !this.closed) {
          if (failure) {
            end();
            throw failure;
          }
          const next = waiting.shift();
          if (next) {
            if (compareEventIds(next.id, last) <= 0) continue;
            last = next.id;
            return { done: false, value: next };
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        return end();
      },
      return: async () => end(),
    };
    return iterator;
  }

  async close(): Promise<void> {
    this.closed = true;
    // Each waiting stream wakes, sees the bus closed and ends.
    for (const listener of this.listeners) listener({ id: '0-0', kind: '', payload: null });
    this.reader?.disconnect();
  }

  /** The events after `lastEventId` still in the window; refused when some after it were trimmed away. */
  private async since(lastEventId: string): Promise<BusEvent[]> {
    if (this.redis) {
      try {
        const info = (await this.redis.client.xinfo('STREAM', this.streamKey).catch(() => null)) as unknown[] | null;
        // Redis 7 says the newest id trimmed off: an event after the client's is gone if it is newer.
        const at = info ? info.indexOf('max-deleted-entry-id') : -1;
        const trimmed = at >= 0 ? String(info![at + 1]) : '0-0';
        if (compareEventIds(trimmed, lastEventId) > 0) throw new ReplayWindowExceeded(lastEventId);
        const entries = await this.redis.client.xrange(this.streamKey, `(${lastEventId}`, '+');
        return entries.flatMap(([id, fields]) => {
          const parsed = parseEntry(id, fields);
          return parsed ? [parsed] : [];
        });
      } catch (error) {
        if (error instanceof ReplayWindowExceeded) throw error;
        this.logger.warn({ reason: (error as Error).message }, "replay not read from redis: from this replica's own window");
      }
    }
    if (compareEventIds(this.trimmed, lastEventId) > 0) throw new ReplayWindowExceeded(lastEventId);
    return this.recent.filter((event) => compareEventIds(event.id, lastEventId) > 0);
  }

  private nextLocalId(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.sequence = 0;
    } else this.sequence++;
    return `${this.lastMs}-${this.sequence}`;
  }

  private deliver(event: BusEvent): void {
    this.recent.push(event);
    if (this.recent.length > REPLAY_WINDOW_EVENTS) this.trimmed = this.recent.shift()!.id;
    for (const listener of this.listeners) listener(event);
  }

  /** Reads the shared stream for as long as the bus is open, reconnecting by itself. */
  private async follow(redis: SharedRedis): Promise<void> {
    // Its own connection: XREAD BLOCK holds it, and must not time out like the shared client's commands.
    this.reader = redis.client.duplicate({ commandTimeout: undefined, enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.reader.on('error', () => undefined);
    while (!this.closed) {
      try {
        const reply = (await this.reader.xread('BLOCK', 5000, 'STREAMS', this.streamKey, this.readingFrom)) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.readingFrom = id;
            const event = parseEntry(id, fields);
            if (event) this.deliver(event);
          }
        }
      } catch (error) {
        if (this.closed) return;
        this.logger.warn({ reason: (error as Error).message }, 'reading shared events from redis failed: retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
}

function parseEntry(id: string, fields: string[]): BusEvent | undefined {
  const at = fields.indexOf('event');
  if (at < 0) return undefined;
  try {
    const { kind, payload } = JSON.parse(fields[at + 1]!) as { kind: string; payload: unknown };
    return { id, kind, payload };
  } catch {
    return undefined;
  }
}

/**
 * 实时更新: the page follows the approval system's events over the gateway's WebSocket
 * (graphql-ws), so a decision taken elsewhere or a new task shows without a reload.
 *
 * An event only says "this changed": the page reads what it shows again (simple, and the
 * answer passes every policy as a query does). The token goes in `connection_init` and is
 * read anew on each connection, since the page session refreshes it; the gateway closes a
 * connection when the token it opened with expires (4401), and any drop is followed by a
 * new connection that resumes from the last event id, so nothing in between is missed.
 */
import { createClient, type Client } from 'graphql-ws';
import { useEffect, useRef, useState } from 'react';
import { useSession } from './use-graphql';

export interface LiveOperation {
  query: string;
  variables?: Record<string, unknown>;
}

/** What the indicator says: connecting, following, dropped and coming back, or not available to this caller. */
export type LiveState = { state: 'connecting' } | { state: 'live' } | { state: 'reconnecting' } | { state: 'unavailable'; detail: string };

/** Waits between reconnections: quickly at first, then at most every 30 s. */
const backoff = (attempt: number) => Math.min(30_000, 1_000 * 2 ** attempt);

const webSocketUrl = (endpoint: string) => {
  const url = new URL(endpoint, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
};

/**
 * Subscribes to `operations` (one connection for all) while the component is shown and
 * calls `onEvent` with each event's data and the operation it came from. `null` subscribes to nothing.
 */
export function useLiveEvents(operations: LiveOperation[] | null, onEvent: (data: unknown, operation: LiveOperation) => void): LiveState {
  const session = useSession();
  const [live, setLive] = useState<LiveState>({ state: 'connecting' });
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = operations === null ? null : JSON.stringify(operations);

  useEffect(() => {
    if (key === null) return;
    const wanted = JSON.parse(key) as LiveOperation[];
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let client: Client | undefined;
    /** Per operation: the last event it received, to resume from after a drop. */
    const lastEventIds: (string | undefined)[] = wanted.map(() => undefined);

    const connect = () => {
      setLive(attempt === 0 ? { state: 'connecting' } : { state: 'reconnecting' });
      const current = createClient({
        url: webSocketUrl(session.endpoint),
        // A function: every connection sends the token the page holds then.
        connectionParams: () => ({ authorization: `Bearer ${session.token}` }),
        lazy: false,
        // Reconnecting is done below, each subscription resuming from its own last event.
        retryAttempts: 0,
        on: { connected: () => ((attempt = 0), setLive({ state: 'live' })) },
      });
      client = current;
      let dropped = false;
      wanted.forEach((operation, index) => {
        const lastEventId = lastEventIds[index];
        current.subscribe(
          { query: operation.query, variables: operation.variables, ...(lastEventId ? { extensions: { lastEventId } } : {}) },
          {
            next: (result) => {
              const eventId = (result.extensions as { eventId?: unknown } | undefined)?.eventId;
              if (typeof eventId === 'string') lastEventIds[index] = eventId;
              if (result.data) handler.current(result.data, operation);
            },
            error: (error) => {
              if (stopped || dropped) return;
              // GraphQL errors (not a closed socket): this caller may not follow it; asking again will not help.
              if (Array.isArray(error)) {
                setLive({ state: 'unavailable', detail: error.map((e: { message?: string }) => e.message).join('; ') });
                return;
              }
              dropped = true;
              void current.dispose();
              setLive({ state: 'reconnecting' });
              timer = setTimeout(connect, backoff(attempt++));
            },
            complete: () => {},
          },
        );
      });
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      void client?.dispose();
    };
  }, [session, key]);

  return key === null ? { state: 'connecting' } : live;
}

/** 实时更新中 / 连接中断，正在重连: beside the page's title. */
export function LiveIndicator({ live }: { live: LiveState }) {
  const text =
    live.state === 'live' ? '实时更新中' : live.state === 'reconnecting' ? '连接中断，正在重连…' : live.state === 'connecting' ? '正在连接实时更新…' : '实时更新不可用，请手动刷新页面';
  return (
    <span className={`live live-${live.state}`} data-live={live.state} aria-live="polite" title={live.state === 'unavailable' ? live.detail : undefined}>
      {text}
    </span>
  );
}

/** Calls `refresh` once for a burst of events (a joint review can change several tasks at once), at most every 300 ms. */
export function useCoalesced(refresh: () => void): () => void {
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => () => clearTimeout(pending.current), []);
  return useRef(() => {
    if (pending.current !== undefined) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      latest.current();
    }, 300);
  }).current;
}

/**
 * The supergraph being served, replaceable while the gateway runs: a new supergraph
 * file (or `reloadSupergraph(sdl)`) is read, checked whole — everything @apollo/gateway
 * will do with it, done first — and only then handed to the gateway. A bad one is
 * refused with a log line and the old one keeps serving; nothing is half-applied.
 *
 * The authorization, masking and audit rules come from the same supergraph as the
 * schema, so they must change with it, per request: Apollo Server fixes a request's
 * schema when the request starts, and `policiesFor(ctx.schema)` gives the rules of
 * exactly that schema. A request validated against the old schema is judged by the old
 * rules to the end, even when a reload lands in the middle of it.
 *
 * Given a URL instead of a text (supergraph-url.ts), there is nothing to serve until the URL
 * answers with a valid supergraph: the gateway's start waits for it, asking every poll, and
 * the replica says not ready meanwhile — what a load balancer expects of a replica that
 * cannot serve yet, and what Apollo Router does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApolloGateway, SupergraphSdlHook } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../lib/logger';
import { watchFile, type WatchedFile } from '../lib/watched-file';
import { sha256 } from '../lib/hash';
import { loadSupergraph, type LoadedSupergraph, type SupergraphPolicies } from './supergraph';
import { SupergraphFetcher, type SupergraphUrl, type SupergraphUrlStatus } from './supergraph-url';

export type SupergraphFile = WatchedFile;

export type ReloadOutcome =
  | { status: 'reloaded'; id: string; previous: string }
  | { status: 'unchanged'; id: string }
  | { status: 'refused'; reason: string; serving: string };

export interface ServedSupergraph {
  /** SHA-256 of the supergraph text being served; null while a URL has not given one yet. */
  id: string | null;
  loadedAt: string | null;
  /** The file or URL it was read from, or how it was given. */
  source: string;
}

/** With a URL, also when it last answered and what went wrong. */
export type SupergraphDescription = ServedSupergraph & Partial<SupergraphUrlStatus>;

export class LiveSupergraph {
  private served: LoadedSupergraph | undefined;
  private servedSince: ServedSupergraph;
  private readonly bySchema = new WeakMap<GraphQLSchema, LoadedSupergraph>();
  /** The supergraph being handed to the gateway during `update`, for the schema listener. */
  private pending: LoadedSupergraph | undefined;
  private update: ((sdl: string) => void) | undefined;
  private readonly file: SupergraphFile | undefined;
  private readonly url: { source: SupergraphUrl; fetcher: SupergraphFetcher } | undefined;
  private readonly stopped = new AbortController();

  /** `supergraphSdl`: the text to serve first (the file's, with `source` a file); none with a URL. */
  constructor(
    supergraphSdl: string | undefined,
    private readonly logger: Logger,
    source?: SupergraphFile | SupergraphUrl,
  ) {
    if (source && 'url' in source) {
      if (supergraphSdl !== undefined) throw new Error('a supergraph comes from a text (and its file) or from a URL, not both');
      this.url = { source, fetcher: new SupergraphFetcher(source, logger) };
      this.servedSince = { id: null, loadedAt: null, source: source.url };
      return;
    }
    if (supergraphSdl === undefined) throw new Error('no supergraph: give its text (and the file it came from) or a URL');
    this.file = source;
    this.served = loadSupergraph(supergraphSdl);
    this.servedSince = { id: this.served.id, loadedAt: new Date().toISOString(), source: source?.path ?? 'startup' };
  }

  /** Undefined only while a URL has not given a supergraph yet. */
  get current(): LoadedSupergraph | undefined {
    return this.served;
  }

  describe(): SupergraphDescription {
    return this.url ? { ...this.servedSince, ...this.url.fetcher.describe() } : this.servedSince;
  }

  get closed(): boolean {
    return this.stopped.signal.aborted;
  }

  /** Stops asking the URL, and ends a start still waiting for its first supergraph. */
  close(): void {
    this.stopped.abort(new Error('the gateway stopped before its supergraph URL gave it a valid supergraph'));
  }

  /** ApolloGateway's `supergraphSdl`: the first supergraph, and the `update` to send later ones through. */
  readonly hook: SupergraphSdlHook = async ({ update }) => {
    const first = this.served ?? (await this.firstFromUrl());
    this.update = update;
    const file = this.file;
    const stopFollowing = file
      ? watchFile(file, first.id, (text) => this.reload(text, file.path), this.logger, 'the supergraph file')
      : this.url
        ? this.poll()
        : () => {};
    return {
      supergraphSdl: first.sdl,
      cleanup: async () => {
        stopFollowing();
        this.update = undefined;
      },
    };
  };

  /** Remembers which rules belong to each schema the gateway publishes. Call before the gateway loads. */
  attach(gateway: ApolloGateway): void {
    gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
      const loaded = this.pending ?? this.served;
      if (loaded?.sdl === coreSupergraphSdl) this.bySchema.set(apiSchema, loaded);
    });
  }

  /** The rules of the supergraph `schema` came from. Fails closed: no rules known, no answer. */
  readonly policiesFor = (schema: GraphQLSchema): SupergraphPolicies => {
    const loaded = this.bySchema.get(schema);
    if (!loaded) throw new Error('no authorization rules are known for this schema (it did not come from the served supergraph)');
    return loaded.policies;
  };

  /** Checks `supergraphSdl` whole and serves it, or refuses it and keeps the one being served. */
  reload(supergraphSdl: string, source = 'reloadSupergraph'): ReloadOutcome {
    const previous = this.served;
    const refuse = (reason: string): ReloadOutcome => {
      this.logger.error({ supergraph: sha256(supergraphSdl), serving: previous?.id ?? null, source, reason }, 'supergraph refused; still serving the previous one');
      return { status: 'refused', reason, serving: previous?.id ?? 'none' };
    };
    if (!this.update || !previous) return refuse('the gateway is not running');
    let next: LoadedSupergraph;
    try {
      next = checked(supergraphSdl);
    } catch (error) {
      return refuse((error as Error).message);
    }
    if (next.sdl === previous.sdl) {
      // The same schema written differently (comments, spacing): nothing for the gateway to do.
      this.served = next;
      this.servedSince = { ...this.servedSince, id: next.id, source };
      return { status: 'unchanged', id: next.id };
    }
    this.pending = next;
    try {
      this.update(next.sdl);
    } catch (error) {
      return refuse(`the gateway refused it: ${(error as Error).message}`);
    } finally {
      this.pending = undefined;
    }
    this.served = next;
    this.servedSince = { id: next.id, loadedAt: new Date().toISOString(), source };
    this.logger.info({ supergraph: next.id, previous: previous.id, source }, 'supergraph reloaded');
    return { status: 'reloaded', id: next.id, previous: previous.id };
  }

  /** Asks the URL until it gives a valid supergraph; rejects when the gateway stops first. */
  private async firstFromUrl(): Promise<LoadedSupergraph> {
    const { source, fetcher } = this.url!;
    for (;;) {
      const text = await fetcher.next(this.stopped.signal);
      this.stopped.signal.throwIfAborted();
      if (text !== undefined) {
        try {
          this.served = checked(text);
          this.servedSince = { id: this.served.id, loadedAt: new Date().toISOString(), source: source.url };
          this.logger.info({ supergraph: this.served.id, source: source.url }, 'supergraph fetched');
          return this.served;
        } catch (error) {
          this.logger.error({ supergraph: sha256(text), source: source.url, reason: (error as Error).message }, 'supergraph refused; this replica stays not ready until the URL serves a valid one');
        }
      }
      await sleep(source.pollMs, undefined, { signal: this.stopped.signal });
    }
  }

  /** Asks the URL every poll, one ask at a time (a slow answer delays the next, never piles up). */
  private poll(): () => void {
    const { source, fetcher } = this.url!;
    let timer: NodeJS.Timeout | undefined;
    const ask = async () => {
      const text = await fetcher.next(this.stopped.signal);
      if (this.stopped.signal.aborted || !this.update) return;
      if (text !== undefined) this.reload(text, source.url);
      timer = setTimeout(() => void ask(), source.pollMs);
      timer.unref();
    };
    timer = setTimeout(() => void ask(), source.pollMs);
    timer.unref();
    return () => clearTimeout(timer);
  }
}

/** Everything @apollo/gateway will do with a supergraph, done first: it builds its query planner only after switching schemas. */
function checked(supergraphSdl: string): LoadedSupergraph {
  const loaded = loadSupergraph(supergraphSdl);
  new QueryPlanner(loaded.supergraph);
  return loaded;
}

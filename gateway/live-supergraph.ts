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
 */
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ApolloGateway, SupergraphSdlHook } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../lib/logger';
import { loadSupergraph, type LoadedSupergraph, type SupergraphPolicies } from './supergraph';

export interface SupergraphFile {
  path: string;
  /** Also re-read the file this often (ms), for file systems where watching misses changes; 0: watch only. */
  pollMs: number;
}

export type ReloadOutcome =
  | { status: 'reloaded'; id: string; previous: string }
  | { status: 'unchanged'; id: string }
  | { status: 'refused'; reason: string; serving: string };

export interface ServedSupergraph {
  /** SHA-256 of the supergraph text being served. */
  id: string;
  loadedAt: string;
  /** The file it was read from, or how it was given. */
  source: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A burst of change events (truncate, write, rename) settles before the file is read. */
const SETTLE_MS = 50;

export class LiveSupergraph {
  private served: LoadedSupergraph;
  private servedSince: ServedSupergraph;
  private readonly bySchema = new WeakMap<GraphQLSchema, LoadedSupergraph>();
  /** The supergraph being handed to the gateway during `update`, for the schema listener. */
  private pending: LoadedSupergraph | undefined;
  private update: ((sdl: string) => void) | undefined;

  constructor(
    supergraphSdl: string,
    private readonly logger: Logger,
    private readonly file?: SupergraphFile,
  ) {
    this.served = loadSupergraph(supergraphSdl);
    this.servedSince = { id: this.served.id, loadedAt: new Date().toISOString(), source: file?.path ?? 'startup' };
  }

  get current(): LoadedSupergraph {
    return this.served;
  }

  describe(): ServedSupergraph {
    return this.servedSince;
  }

  /** ApolloGateway's `supergraphSdl`: the first supergraph, and the `update` to send later ones through. */
  readonly hook: SupergraphSdlHook = async ({ update }) => {
    this.update = update;
    const stopWatching = this.file ? this.watch(this.file) : () => {};
    return {
      supergraphSdl: this.served.sdl,
      cleanup: async () => {
        stopWatching();
        this.update = undefined;
      },
    };
  };

  /** Remembers which rules belong to each schema the gateway publishes. Call before the gateway loads. */
  attach(gateway: ApolloGateway): void {
    gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
      const loaded = this.pending ?? this.served;
      if (loaded.sdl === coreSupergraphSdl) this.bySchema.set(apiSchema, loaded);
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
      this.logger.error({ supergraph: sha256(supergraphSdl), serving: previous.id, source, reason }, 'supergraph refused; still serving the previous one');
      return { status: 'refused', reason, serving: previous.id };
    };
    if (!this.update) return refuse('the gateway is not running');
    let next: LoadedSupergraph;
    try {
      next = loadSupergraph(supergraphSdl);
      // @apollo/gateway builds its query planner after it has switched its schema; fail here instead.
      new QueryPlanner(next.supergraph);
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

  /** Watches the file's directory (editors and `mv` replace the file, which ends a watch on the file itself) and polls. */
  private watch({ path, pollMs }: SupergraphFile): () => void {
    let lastSeen = this.served.id;
    let unreadable: string | undefined;
    const check = () => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        if (unreadable !== code) this.logger.warn({ source: path, reason: (error as Error).message }, 'cannot read the supergraph file; still serving the previous one');
        unreadable = code;
        return;
      }
      unreadable = undefined;
      const id = sha256(text);
      // Each version is tried once: a refused file is not retried (or logged again) until it changes.
      if (id === lastSeen) return;
      lastSeen = id;
      this.reload(text, path);
    };
    let settle: NodeJS.Timeout | undefined;
    const soon = () => {
      clearTimeout(settle);
      settle = setTimeout(check, SETTLE_MS);
    };
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(dirname(path), (_event, name) => {
        if (!name || name === basename(path)) soon();
      });
      watcher.on('error', (error) => this.logger.warn({ source: path, reason: error.message }, 'stopped watching the supergraph file; polling only'));
    } catch (error) {
      this.logger.warn({ source: path, reason: (error as Error).message }, 'cannot watch the supergraph file; polling only');
    }
    const poll = pollMs > 0 ? setInterval(check, pollMs) : undefined;
    poll?.unref();
    return () => {
      clearTimeout(settle);
      clearInterval(poll);
      watcher?.close();
    };
  }
}

/**
 * Target (f), the JavaScript floor: a lower bound on what a gateway written in JavaScript
 * spends on a workload here. It does no GraphQL at all, only what every such gateway must
 * do to produce the same answer from the same subgraphs.
 *
 * The first requests of each workload and operation (the bench names the workload in a
 * header) are each run once through a PlanExecutor of its own (the same planner and fetch
 * merging as ours, without the audit's keys), and the subgraph requests it sends are
 * recorded: their operations and variables, which wave they went in, and where each
 * answer's entities belong. Every later request replays one of those recordings, in turn:
 * read and parse the client's body; per wave, serialise and send the requests over an
 * undici pool set up as ours, parse the answers and merge each entity into its place in
 * the response (the executor's `mergeInto`, as ours); then stringify and send the result.
 * A recording is replayed once when it is made and must hold our executor's answer field
 * for field, or it is refused (that request, and the row, fail).
 *
 * Left out, so the bound is low: validating, planning and shaping the operation, building
 * representations from the answers (the recorded ones are sent), sign-in and every policy,
 * metrics and logs. Its answer carries the subgraphs' extra fields (`__typename`, keys), as
 * the merged answers do before shaping. A wave waits for every request of the wave before
 * it, which can be later than the plan would send: its latencies are not comparable, its
 * CPU per request is. The recorder stays loaded after recording: its RSS is not a floor.
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { ApolloGateway, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { ApolloServer } from '@apollo/server';
import type { Dispatcher } from 'undici';
import { INTERNAL_IDENTITY_HEADER } from '../contracts/internal-identity';
import { flattenAt, mergeInto, PlanExecutor } from '../gateway/execution/plan-executor';
import { DEFAULT_PLANNER, operationPlanner } from '../gateway/execution/planner';
import { CoalescingGraphQLDataSource, ENTITIES, mergedEntitiesAlias, postWhole, subgraphConnectionPool } from '../gateway/execution/subgraph-data-source';
import { prepareSupergraph } from '../gateway/supergraph';
import { readBody } from '../lib/graphql-http';
import { WORKLOAD_HEADER } from './workload-header';
import { serveWithWorkers } from './workers';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';

/** The bench's requests are a few kilobytes. */
const MAX_BODY_BYTES = 1_000_000;

/** Recordings kept per workload and operation, replayed in turn (joint reviews differ by project). */
const RECORDINGS = 8;

type Path = (string | number)[];

/** Where one part of a subgraph answer goes: `key` under the answer's data (null: all of it, at the root), merged into the entities at `at`. */
interface Slot {
  key: string | null;
  at: Path;
}

interface RecordedRequest {
  origin: string;
  path: string;
  payload: unknown;
  slots: Slot[];
}

/** The requests of one operation, by wave: a wave starts when the one before it has answered. */
type Script = RecordedRequest[][];

type Answer = { data?: Record<string, unknown> | null; errors?: unknown[] };

async function serve(port: number): Promise<string> {
  const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS!) as Record<string, string>;
  const headers = { 'content-type': 'application/json', [INTERNAL_IDENTITY_HEADER]: process.env.BENCH_IDENTITY_TOKEN! };
  const connections = subgraphConnectionPool();
  const record = await startRecorder(urls, headers, connections);
  const recordings = new Map<string, { scripts: Promise<Script>[]; next: number }>();

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (raw === 'too-large') throw new Error(`the request body is larger than ${MAX_BODY_BYTES} bytes`);
      const body = JSON.parse(raw.toString('utf8')) as { query: string; variables?: Record<string, unknown> };
      const key = `${String(req.headers[WORKLOAD_HEADER])}\u0000${body.query}`;
      let recorded = recordings.get(key);
      if (!recorded) recordings.set(key, (recorded = { scripts: [], next: 0 }));
      let script: Promise<Script>;
      if (recorded.scripts.length < RECORDINGS) {
        const scripts = recorded.scripts;
        script = record(body.query, body.variables ?? {});
        scripts.push(script);
        // A recording that failed is dropped, so a later request records again.
        script.catch(() => scripts.splice(scripts.indexOf(script), 1));
      } else {
        script = recorded.scripts[recorded.next++ % RECORDINGS]!;
      }
      const text = JSON.stringify({ data: await replay(await script, connections, headers) });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(text);
    })().catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ errors: [{ message: `the JavaScript floor failed: ${(error as Error).message}` }] }));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the JavaScript floor has no TCP address');
  return `http://127.0.0.1:${address.port}/`;
}

async function replay(script: Script, connections: Dispatcher, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = {};
  for (const wave of script) {
    const answers = await Promise.all(wave.map((request) => send(connections, request, headers)));
    wave.forEach((request, i) => place(data, request, answers[i]!));
  }
  return data;
}

async function send(connections: Dispatcher, request: RecordedRequest, headers: Record<string, string>): Promise<Answer> {
  const answer = await postWhole(connections, request, headers, JSON.stringify(request.payload));
  const { text } = answer;
  if (answer.statusCode !== 200) throw new Error(`a subgraph answered HTTP ${answer.statusCode}: ${text.slice(0, 200)}`);
  const parsed = JSON.parse(text) as Answer;
  // A failing subgraph must show as failures, not as a cheaper floor.
  if (!parsed.data || parsed.errors?.length) throw new Error(`a subgraph answered with errors: ${JSON.stringify(parsed.errors ?? 'no data').slice(0, 200)}`);
  return parsed;
}

/** Each part of a subgraph's answer into its place: the root fields at the root, each entity into the object it completes. */
function place(data: Record<string, unknown>, request: RecordedRequest, answer: Answer): void {
  for (const slot of request.slots) {
    if (slot.key === null) {
      mergeInto(data, answer.data);
      continue;
    }
    const received = answer.data![slot.key] as unknown[];
    const at = flattenAt(data, slot.at, 0);
    const entities = Array.isArray(at) ? at.filter((entity) => entity !== null && entity !== undefined) : [at];
    if (!Array.isArray(received) || received.length !== entities.length) throw new Error(`the recording no longer matches the answers at ${slot.at.join('.')}`);
    for (let i = 0; i < entities.length; i++) mergeInto(entities[i], received[i]);
  }
}

/**
 * Runs an operation once through our executor over the subgraphs and answers the requests
 * it sent. A request's wave is one more than the latest wave that had answered when it was
 * sent. Fetches the data sources were given are matched to the HTTP requests that carried
 * them, subgraph by subgraph in order: a merged request carries its wave's fetches as
 * `_entities_<i>`, in the order they came.
 */
async function startRecorder(urls: Record<string, string>, headers: Record<string, string>, connections: Dispatcher) {
  interface Recording {
    fetches: Map<string, { entity: boolean; at: Path }[]>;
    requests: { subgraph: string; request: Omit<RecordedRequest, 'slots'>; wave: number }[];
    answered: number;
  }
  let recording: Recording | undefined;
  const subgraphAt = new Map<string, string>();

  class RecordingDataSource extends CoalescingGraphQLDataSource {
    constructor(private readonly name: string, url: string) {
      super({
        url,
        connections: recordingPool,
        subgraph: name,
        willSendRequest: ({ request }) => {
          for (const [header, value] of Object.entries(headers)) request.http?.headers.set(header, value);
        },
      });
    }
    override process(options: GraphQLDataSourceProcessOptions<Record<string, unknown>>): Promise<GatewayGraphQLResponse> {
      if (options.kind === GraphQLDataSourceRequestKind.INCOMING_OPERATION) {
        const fetches = recording!.fetches.get(this.name) ?? [];
        fetches.push({ entity: 'representations' in (options.request.variables ?? {}), at: [...(options.pathInIncomingRequest ?? [])] });
        recording!.fetches.set(this.name, fetches);
      }
      return super.process(options);
    }
  }
  const recordingPool = {
    dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
      const current = recording!;
      const origin = String(options.origin);
      const wave = current.answered + 1;
      current.requests.push({ subgraph: subgraphAt.get(`${origin}${options.path}`)!, request: { origin, path: options.path, payload: JSON.parse(String(options.body)) }, wave });
      return connections.dispatch(options, {
        ...handler,
        onResponseEnd(controller, trailers) {
          current.answered = Math.max(current.answered, wave);
          handler.onResponseEnd?.(controller, trailers);
        },
      });
    },
  } as unknown as Dispatcher;

  const { sdl } = prepareSupergraph(readFileSync(process.env.BENCH_SUPERGRAPH!, 'utf8'));
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    buildService: ({ name, url }) => {
      const target = new URL(urls[name] ?? url!);
      subgraphAt.set(`${target.origin}${target.pathname}${target.search}`, name);
      return new RecordingDataSource(name, target.href);
    },
  });
  new PlanExecutor(gateway, { planner: operationPlanner(DEFAULT_PLANNER, gateway) });
  const apollo = new ApolloServer({ gateway });
  await apollo.start();

  // One recording at a time: waves and fetches are read from one operation's requests.
  let queue = Promise.resolve();
  return (query: string, variables: Record<string, unknown>): Promise<Script> => {
    const recorded = queue.then(async () => {
      const current: Recording = (recording = { fetches: new Map(), requests: [], answered: -1 });
      const response = await apollo.executeOperation({ query, variables });
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      if (!result?.data || result.errors?.length) throw new Error(`recording failed: ${JSON.stringify(result?.errors ?? 'no single answer')}`);
      const script: Script = [];
      for (const { subgraph, request, wave } of current.requests) {
        const fetches = current.fetches.get(subgraph) ?? [];
        const merged = Object.keys((request.payload as { variables?: object }).variables ?? {}).filter((name) => /^representations_\d+$/.test(name)).length;
        const slots: Slot[] = (merged > 0 ? fetches.splice(0, merged) : fetches.splice(0, 1)).map((fetch, i) => ({
          key: !fetch.entity ? null : merged > 0 ? mergedEntitiesAlias(i) : ENTITIES,
          at: fetch.at,
        }));
        (script[wave] ??= []).push({ ...request, slots });
      }
      // Replayed once before it is used: what it places must hold the answer our executor gave, field for field.
      const placed = await replay(script, connections, headers);
      const missing = missingFrom(placed, result.data, 'data');
      if (missing) throw new Error(`the recording does not reproduce the answer: ${missing} differs`);
      return script;
    });
    queue = recorded.then(
      () => undefined,
      () => undefined,
    );
    return recorded;
  };
}

/** The first path where `shaped` (an answer as a client gets it) is not in `placed` (the merged answers, with more fields), or undefined. */
function missingFrom(placed: unknown, shaped: unknown, path: string): string | undefined {
  if (shaped === null || typeof shaped !== 'object') return Object.is(placed, shaped) ? undefined : path;
  if (placed === null || typeof placed !== 'object') return path;
  for (const [key, value] of Object.entries(shaped)) {
    const missing = missingFrom((placed as Record<string, unknown>)[key], value, `${path}.${key}`);
    if (missing) return missing;
  }
  return undefined;
}

void serveWithWorkers('JavaScript floor', serve);

/**
 * Target (f), the JavaScript floor: what a gateway written in JavaScript spends on a
 * workload's bytes when it does no GraphQL at all — the least any of (a), (b) or (c) can
 * spend here, so a target like "a third of the plain gateway" can be read against it.
 *
 * The first time a workload sends it an operation (the bench names the workload in each
 * request), it records the subgraph requests our gateway's executor sends for it (the
 * same planner and fetch merging, without the audit's keys: no policies here), and in
 * which waves. Every request after that is answered by
 * replaying them: read and parse the client's body, send the recorded requests wave by
 * wave over a keep-alive undici pool set up as ours is, parse each answer, merge the
 * answers' data into one object, stringify it and send it. No parsing or validation of
 * the operation, no planning, no representations built from the answers, no shaping, no
 * sign-in, limits, masking, audit, metrics or logs. The variables are ignored: the
 * replayed requests are the first request's, so the answer is the first request's too.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge';
import { ApolloServer } from '@apollo/server';
import type { Dispatcher } from 'undici';
import { INTERNAL_IDENTITY_HEADER } from '../contracts/internal-identity';
import { PlanExecutor } from '../gateway/execution/plan-executor';
import { DEFAULT_PLANNER, operationPlanner } from '../gateway/execution/planner';
import { CoalescingGraphQLDataSource, subgraphConnectionPool } from '../gateway/execution/subgraph-data-source';
import { prepareSupergraph } from '../gateway/supergraph';
import { serveWithWorkers } from './workers';
import { WORKLOAD_HEADER } from './workloads';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';

interface RecordedRequest {
  origin: string;
  path: string;
  body: string;
}

/** The requests of one operation, by wave: a wave starts when the one before it has answered. */
type Script = RecordedRequest[][];

async function serve(port: number): Promise<string> {
  const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS!) as Record<string, string>;
  const headers = { 'content-type': 'application/json', [INTERNAL_IDENTITY_HEADER]: process.env.BENCH_IDENTITY_TOKEN! };
  const connections = subgraphConnectionPool();
  const recorder = await startRecorder(urls, headers, connections);
  const scripts = new Map<string, Promise<Script>>();

  const server = createServer((req, res) => {
    void (async () => {
      const body = JSON.parse((await readAll(req)).toString('utf8')) as { query: string; variables?: Record<string, unknown> };
      const key = `${String(req.headers[WORKLOAD_HEADER])}\u0000${body.query}`;
      let script = scripts.get(key);
      if (!script) scripts.set(key, (script = recorder(body.query, body.variables ?? {})));
      const data = {};
      for (const wave of await script) {
        const answers = await Promise.all(wave.map((request) => send(connections, request, headers)));
        for (const answer of answers) deepMerge(data, answer.data);
      }
      const text = JSON.stringify({ data });
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

async function send(connections: Dispatcher, request: RecordedRequest, headers: Record<string, string>): Promise<{ data?: unknown }> {
  const answer = await connections.request({ origin: request.origin, path: request.path, method: 'POST', headers, body: request.body });
  const text = await answer.body.text();
  if (answer.statusCode !== 200) throw new Error(`a subgraph answered HTTP ${answer.statusCode}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as { data?: unknown };
}

/**
 * Runs an operation once through our executor over the subgraphs and answers the requests
 * it sent. A request's wave is one more than the latest wave that had answered when it
 * was sent.
 */
async function startRecorder(urls: Record<string, string>, headers: Record<string, string>, connections: Dispatcher) {
  let recording: { requests: { request: RecordedRequest; wave: number }[]; answered: number } | undefined;
  const recordingPool = {
    async request(options: Dispatcher.RequestOptions) {
      const current = recording!;
      const wave = current.answered + 1;
      current.requests.push({ request: { origin: String(options.origin), path: options.path, body: String(options.body) }, wave });
      const answer = await connections.request(options);
      current.answered = Math.max(current.answered, wave);
      return answer;
    },
  } as unknown as Dispatcher;
  const { sdl } = prepareSupergraph(readFileSync(process.env.BENCH_SUPERGRAPH!, 'utf8'));
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    buildService: ({ name, url }) =>
      new CoalescingGraphQLDataSource({
        url: urls[name] ?? url,
        connections: recordingPool,
        subgraph: name,
        willSendRequest: ({ request }) => {
          for (const [header, value] of Object.entries(headers)) request.http?.headers.set(header, value);
        },
      }),
  });
  new PlanExecutor(gateway, { planner: operationPlanner(DEFAULT_PLANNER, gateway) });
  const apollo = new ApolloServer({ gateway });
  await apollo.start();
  // One recording at a time: the waves are read from one operation's requests.
  let queue = Promise.resolve();
  return (query: string, variables: Record<string, unknown>): Promise<Script> => {
    const recorded = queue.then(async () => {
      recording = { requests: [], answered: -1 };
      const response = await apollo.executeOperation({ query, variables });
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      if (!result?.data || result.errors?.length) throw new Error(`recording failed: ${JSON.stringify(result?.errors ?? 'no single answer')}`);
      const script: Script = [];
      for (const { request, wave } of recording.requests) (script[wave] ??= []).push(request);
      return script.filter(Boolean);
    });
    queue = recorded.then(
      () => undefined,
      () => undefined,
    );
    return recorded;
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

void serveWithWorkers('JavaScript floor', serve);

/**
 * Merges the entity fetches that one gateway request sends to the same subgraph in the
 * same plan wave into one HTTP request.
 *
 * The query planner gives each path its own fetch: a project's `applicant` and its
 * `participants.enterprise` are two `_entities` fetches to the enterprise subgraph,
 * started together. Sent apart, each gets its own subgraph context and DataLoader, and
 * the department sees two batch requests where one would do. Sent as one operation with
 * aliased `_entities` fields, the subgraph resolves every reference of the wave in one
 * context, so the department gets one batch per plan level whatever the query's shape.
 *
 * Only `_entities` fetches are merged: each is one root field whose items are nullable,
 * so an entity's error nulls that entity alone. A subgraph that fails the whole field
 * instead (a non-null `_entities` error nulls all `data`) would take the merged siblings
 * with it, so an answer without data is retried fetch by fetch: failures stay as
 * isolated as if nothing had been merged. Anything else goes out as it came. Generic:
 * it knows nothing of the supergraph it serves.
 *
 * Requests go out through an undici connection pool (keep-alive, one pool per subgraph
 * origin, shared by the gateway) instead of the default make-fetch-happen fetcher, which
 * spends about a fifth of the gateway's CPU per request building Request objects and
 * an Error stack trace (agent-base's protocol check) for every subgraph fetch.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { parseCacheControlHeader } from '@apollo/gateway/dist/datasources/parseCacheControlHeader';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { GatewayGraphQLResponse, GatewayHTTPResponse } from '@apollo/server-gateway-interface';
import { STATUS_CODES } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { subgraphUnavailable } from '../../lib/errors';
import { budgetOf, type ResponseBudget } from '../execution/response-budget';
import {
  GraphQLError,
  Kind,
  parse,
  print,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';

type ProcessOptions = GraphQLDataSourceProcessOptions<Record<string, any>>;
type OperationOptions = Extract<ProcessOptions, { kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION }>;

interface Waiting {
  options: OperationOptions;
  resolve(response: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

/** The field an entity fetch asks for; a fetch sent alone answers under it. */
export const ENTITIES = '_entities';
/** Where fetch `i` of a merged wave answers (its `_entities` under this alias; its variables suffixed `_i`). */
export const mergedEntitiesAlias = (i: number) => `_entities_${i}`;

/** Documents kept by fetch text: plans are cached, so the same few texts recur. */
const MAX_DOCUMENTS = 1000;

/** A gateway's connections to its subgraphs: kept alive, pooled per origin; close on stop. */
export function subgraphConnectionPool(): Agent {
  // Subgraph servers announce a 65 s idle timeout (Keep-Alive header); undici keeps a connection for what the
  // server announces, capped at 60 s so it never reuses one the server just closed (4 s when nothing is announced).
  return new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000, connections: 64, headersTimeout: 30_000, bodyTimeout: 30_000 });
}

/** Why a subgraph could not be used, for the operators' log (never sent to the client). */
export interface SubgraphFailure {
  subgraph: string;
  url: string;
  reason: string;
  status?: number;
  /** The start of what the subgraph answered, or the transport error's message. */
  detail: string;
  context: Record<string, any>;
}

export class CoalescingGraphQLDataSource extends RemoteGraphQLDataSource {
  /** Told how long each HTTP request to the subgraph took (metrics). */
  onFetched?: (seconds: number) => void;
  /** Where requests go out (`subgraphConnectionPool()`, shared by the gateway's subgraphs). */
  private readonly connections: Dispatcher;
  /** The subgraph's name in the supergraph, for errors. */
  private readonly subgraph: string;
  private readonly onFailure?: (failure: SubgraphFailure) => void;

  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource>[0] & { connections: Dispatcher; subgraph: string; onFailure?: (failure: SubgraphFailure) => void },
  ) {
    const { connections, subgraph, onFailure, ...rest } = config;
    super(rest);
    this.connections = connections;
    this.subgraph = subgraph;
    this.onFailure = onFailure;
  }
  private readonly waves = new WeakMap<object, Waiting[]>();
  private readonly merged = new Map<string, { query: string; document: DocumentNode }>();
  private readonly documents = new Map<string, DocumentNode>();

  override process(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    if (options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION || !options.request.query) {
      return this.processPooled(options);
    }
    const document = this.parsed(options.request.query);
    if (!isEntityFetch(document)) return this.timed(options);
    const key = options.incomingRequestContext as object;
    return new Promise((resolve, reject) => {
      let wave = this.waves.get(key);
      if (!wave) {
        wave = [];
        this.waves.set(key, wave);
        // Sibling fetches of a plan wave all start before the event loop turns.
        setImmediate(() => {
          this.waves.delete(key);
          void this.send(wave!);
        });
      }
      wave.push({ options, resolve, reject });
    });
  }

  /** One HTTP request to the subgraph, timed. */
  private timed(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    const done = () => this.onFetched?.((performance.now() - started) / 1000);
    const pending = this.processPooled(options);
    pending.then(done, done);
    return pending;
  }

  /**
   * RemoteGraphQLDataSource.process on the connection pool: the same hooks in the same
   * order (willSendRequest, didReceiveResponse, the cache policy), without building
   * node-fetch Request and Headers objects for every fetch. APQ to subgraphs is not
   * supported here (subgraphs are on the same network; the text is cheap to send).
   */
  private async processPooled(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    const headers = new OutgoingHeaders(request.http?.headers);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url, headers };
    if (this.willSendRequest) await this.willSendRequest(options);
    const { http, ...payload } = request;
    if (!payload.query) throw new Error('Missing query');
    const target = this.target(http.url);
    const failed = (reason: string, detail: string, status?: number) => {
      this.onFailure?.({ subgraph: this.subgraph, url: http.url, reason, status, detail, context });
      return subgraphUnavailable(this.subgraph, reason);
    };
    const budget = budgetOf(options.kind === GraphQLDataSourceRequestKind.INCOMING_OPERATION ? options.incomingRequestContext : undefined);
    let answer: WholeAnswer;
    try {
      answer = await postWhole(this.connections, target, headers.record, JSON.stringify(payload), budget);
    } catch (error) {
      if (budget?.exceeded === error) throw error;
      if (error instanceof AnswerBrokeOff) throw failed('the answer broke off', error.message, error.status);
      const code = (error as { code?: string }).code;
      throw failed(code === 'ECONNREFUSED' ? 'connection refused' : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'timed out' : 'connection failed', (error as Error).message);
    }
    const response = readAnswer(answer, failed);
    const processed = this.didReceiveResponse
      ? await this.didReceiveResponse({
          response,
          request,
          context,
          pathInIncomingRequest: options.kind === GraphQLDataSourceRequestKind.INCOMING_OPERATION ? options.pathInIncomingRequest : undefined,
        })
      : response;
    const policy = options.kind === GraphQLDataSourceRequestKind.INCOMING_OPERATION ? options.incomingRequestContext.overallCachePolicy : undefined;
    if (this.honorSubgraphCacheControlHeader && policy && 'restrict' in policy) policy.restrict(cacheHint(response.http?.headers.get('cache-control')));
    return processed;
  }

  private readonly targets = new Map<string, { origin: string; path: string }>();
  private target(url: string): { origin: string; path: string } {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      this.targets.set(url, target);
    }
    return target;
  }

  private async send(wave: Waiting[]): Promise<void> {
    if (wave.length === 1) {
      const [only] = wave as [Waiting];
      this.timed(only.options).then(only.resolve, only.reject);
      return;
    }
    try {
      const { query, document } = this.mergedDocument(wave.map((w) => w.options));
      const variables: Record<string, unknown> = {};
      wave.forEach((w, i) => {
        for (const [name, value] of Object.entries(w.options.request.variables ?? {})) variables[`${name}_${i}`] = value;
      });
      const first = wave[0]!.options;
      const response = await this.timed({
        ...first,
        request: { ...first.request, query, variables, operationName: undefined },
        document,
      } as ProcessOptions);
      if (response.data == null) {
        for (const w of wave) this.timed(w.options).then(w.resolve, w.reject);
        return;
      }
      wave.forEach((w, i) => w.resolve(splitResponse(response, i)));
    } catch (error) {
      for (const w of wave) w.reject(error);
    }
  }

  private mergedDocument(fetches: OperationOptions[]): { query: string; document: DocumentNode } {
    const cacheKey = fetches.map((f) => f.request.query).join('\u0000');
    const cached = this.merged.get(cacheKey);
    if (cached) return cached;
    const variableDefinitions: VariableDefinitionNode[] = [];
    const selections: FieldNode[] = [];
    const fragments: FragmentDefinitionNode[] = [];
    fetches.forEach((fetch, i) => {
      const renamed = renameForSlot(this.parsed(fetch.request.query!), i);
      for (const definition of renamed.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.push(definition);
        else if (definition.kind === Kind.OPERATION_DEFINITION) {
          variableDefinitions.push(...(definition.variableDefinitions ?? []));
          const field = definition.selectionSet.selections[0] as FieldNode;
          selections.push({ ...field, alias: { kind: Kind.NAME, value: mergedEntitiesAlias(i) } });
        }
      }
    });
    const operation: OperationDefinitionNode = {
      kind: Kind.OPERATION_DEFINITION,
      operation: 'query' as OperationDefinitionNode['operation'],
      variableDefinitions,
      selectionSet: { kind: Kind.SELECTION_SET, selections },
    };
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] as DefinitionNode[] };
    const result = { query: print(document), document };
    if (this.merged.size >= MAX_DOCUMENTS) this.merged.clear();
    this.merged.set(cacheKey, result);
    return result;
  }

  /** The planner's fetch texts, parsed once each (it does not always hand us the document). */
  private parsed(query: string): DocumentNode {
    let document = this.documents.get(query);
    if (!document) {
      document = parse(query);
      if (this.documents.size >= MAX_DOCUMENTS) this.documents.clear();
      this.documents.set(query, document);
    }
    return document;
  }
}

function isEntityFetch(document: DocumentNode): boolean {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || operations[0]!.operation !== 'query') return false;
  const selections = operations[0]!.selectionSet.selections;
  const field = selections[0];
  return selections.length === 1 && field?.kind === Kind.FIELD && field.name.value === ENTITIES && !field.alias;
}

/** Suffixes the slot number to every variable and fragment name, so fetches cannot collide. */
function renameForSlot(document: DocumentNode, slot: number): DocumentNode {
  return visit(document, {
    Variable: (node) => ({ ...node, name: { ...node.name, value: `${node.name.value}_${slot}` } }),
    FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: `${node.name.value}_${slot}` } }),
    FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: `${node.name.value}_${slot}` } }),
  });
}

/** The part of a merged answer that belongs to fetch `slot`, shaped as if it went alone. */
function splitResponse(response: GatewayGraphQLResponse, slot: number): GatewayGraphQLResponse {
  const key = mergedEntitiesAlias(slot);
  const data = response.data ? { [ENTITIES]: (response.data as Record<string, unknown>)[key] } : response.data;
  const errors = response.errors
    ?.filter((e) => !e.path || e.path[0] === key || !String(e.path[0]).startsWith(`${ENTITIES}_`))
    .map((e) => (e.path && e.path[0] === key ? { ...e, path: [ENTITIES, ...e.path.slice(1)] } : e));
  return { ...response, data, errors: errors && errors.length ? errors : undefined };
}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(', ') : value);

/** What the gateway reads of a subgraph's HTTP answer besides the body: status and headers (cache-control). */
function responseHead(answer: WholeAnswer): GatewayHTTPResponse {
  const raw = answer.headers;
  const entries = (): [string, string][] => Object.entries(raw).flatMap(([name, value]) => (value === undefined ? [] : [[name, headerValue(value)!] as [string, string]]));
  const readOnly = () => {
    throw new Error('subgraph response headers are read-only');
  };
  return {
    status: answer.statusCode,
    headers: {
      get: (name) => headerValue(raw[name.toLowerCase()]) ?? null,
      has: (name) => raw[name.toLowerCase()] !== undefined,
      append: readOnly,
      set: readOnly,
      delete: readOnly,
      entries: () => entries()[Symbol.iterator](),
      keys: () => entries().map(([name]) => name)[Symbol.iterator](),
      values: () => entries().map(([, value]) => value)[Symbol.iterator](),
      [Symbol.iterator]: () => entries()[Symbol.iterator](),
    },
  };
}

/** A subgraph's HTTP answer, read whole. */
export interface WholeAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** The answer's headers came, then the connection failed before its end. */
class AnswerBrokeOff extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * POSTs a body and reads the whole answer, charging its bytes to the request's budget as
 * they arrive: an answer past the bound is dropped unread (the request is aborted, its
 * connection closed). Through undici's handler API rather than `request()`, which wraps
 * every answer in a Readable stream that was then read through an async iterator: the
 * stream, its iterator and their promises cost ~12 µs of a ~100 µs subgraph request
 * (micro-benchmark, NOTES "The subgraph answer read without a stream"). Rejects with the
 * budget's error, an AnswerBrokeOff, or undici's own error (connection refused, timed out).
 */
export function postWhole(
  connections: Dispatcher,
  target: { origin: string; path: string },
  headers: Record<string, string>,
  body: string,
  budget?: ResponseBudget,
): Promise<WholeAnswer> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    let answerHeaders: WholeAnswer['headers'] = {};
    let chunks: Buffer[] = [];
    let settled = false;
    const settle = (error: Error) => {
      if (settled) return;
      settled = true;
      chunks = [];
      reject(error);
    };
    connections.dispatch(
      { origin: target.origin, path: target.path, method: 'POST', headers, body },
      {
        onRequestStart() {},
        onResponseStart(_controller, status, received) {
          // A 1xx is followed by the final answer's start: only the last one counts.
          statusCode = status;
          answerHeaders = received;
        },
        onResponseData(controller, chunk) {
          if (settled) return;
          try {
            budget?.chargeBytes(chunk.length);
          } catch (error) {
            settle(error as Error);
            controller.abort(error as Error);
            return;
          }
          chunks.push(chunk);
        },
        onResponseEnd() {
          if (settled) return;
          settled = true;
          const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          resolve({ statusCode, headers: answerHeaders, text: whole.toString('utf8') });
        },
        onResponseError(_controller, error) {
          settle(statusCode === 0 ? error : new AnswerBrokeOff(error.message, statusCode));
        },
      },
    );
  });
}

/**
 * The subgraph's HTTP answer: its GraphQL body, or a failure (not 2xx, not JSON). A
 * failure reaches the client as SUBGRAPH_UNAVAILABLE naming the subgraph; what it
 * answered and where it lives (internal addresses, error pages) go to the log only.
 */
function readAnswer(answer: WholeAnswer, failed: (reason: string, detail: string, status?: number) => GraphQLError): GatewayGraphQLResponse {
  const { statusCode: status, text } = answer;
  if (status < 200 || status >= 300) throw failed(`HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`, text.slice(0, 500), status);
  const contentType = headerValue(answer.headers['content-type']);
  if (!(contentType?.startsWith('application/json') || contentType?.startsWith('application/graphql-response+json'))) {
    throw failed('not a GraphQL answer', `content-type ${contentType ?? 'none'}: ${text.slice(0, 200)}`, status);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw failed('malformed JSON', text.slice(0, 200), status);
  }
  if (body === null || typeof body !== 'object') throw failed('not a GraphQL answer', text.slice(0, 200), status);
  return { ...(body as GatewayGraphQLResponse), http: responseHead(answer) };
}

function cacheHint(header: string | null | undefined): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const parsed = parseCacheControlHeader(header);
  const maxAge = parsed['max-age'];
  return {
    maxAge: typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0,
    ...(parsed['private'] === true ? { scope: 'PRIVATE' as const } : parsed['public'] === true ? { scope: 'PUBLIC' as const } : {}),
  };
}

/** Request headers willSendRequest may change, kept as the plain record undici sends. */
class OutgoingHeaders implements Iterable<[string, string]> {
  readonly record: Record<string, string> = {};
  constructor(from?: Iterable<[string, string]>) {
    if (from) for (const [name, value] of from) this.append(name, value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    this.record[key] = key in this.record ? `${this.record[key]}, ${value}` : value;
  }
  delete(name: string): void {
    delete this.record[name.toLowerCase()];
  }
  get(name: string): string | null {
    return this.record[name.toLowerCase()] ?? null;
  }
  has(name: string): boolean {
    return name.toLowerCase() in this.record;
  }
  set(name: string, value: string): void {
    this.record[name.toLowerCase()] = value;
  }
  entries(): IterableIterator<[string, string]> {
    return Object.entries(this.record)[Symbol.iterator]();
  }
  keys(): IterableIterator<string> {
    return Object.keys(this.record)[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return Object.values(this.record)[Symbol.iterator]();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

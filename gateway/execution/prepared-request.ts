/**
 * The prepared path: a POSTed query or mutation whose text the gateway has parsed and
 * validated before goes from the request body to the plan executor without Apollo
 * Server's HTTP and request layers, which cost a tenth of the gateway's CPU for a
 * cache-warm page (a SHA-256 of the text, the document store, content negotiation twice,
 * the request context built, copied and wrapped again) (issue 15 §1).
 *
 * What does not change: every plugin Apollo Server would run (every capability's, and its
 * own cache-control plugin) runs here, the same hooks in the same order with the same
 * request context; errors are normalised and formatted by Apollo's own functions, and the
 * body is serialised by its `stringifyResult`. The parity test
 * (test/integration/prepared-path.test.ts) sends the same requests to a gateway with the
 * path and one without, and compares status, headers and bytes.
 *
 * Everything else goes to Apollo Server as before, decided before any hook runs: GET,
 * batches, persisted-query hashes, subscriptions, a text never seen or one the current
 * schema refuses (Apollo reports why), an Accept header that takes no JSON.
 *
 * Apollo Server exports none of the pieces reused here; they are loaded from its files by
 * path, and a version without them turns the path off at start-up (with a warning), never
 * a request.
 */
import { dirname, join } from 'node:path';
import type { ApolloServer, BaseContext, GraphQLRequestContext, GraphQLRequestListener, HeaderMap, HTTPGraphQLRequest, HTTPGraphQLResponse } from '@apollo/server';
import { createHash } from 'node:crypto';
import { getOperationAST, Kind, parse, specifiedRules, validate, type DocumentNode, type GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../lib/logger';

/** What is kept of a text that parsed and validated: Apollo's own query hash and the document. */
interface PreparedText {
  schema: GraphQLSchema;
  queryHash: string;
  document: DocumentNode;
}

/** Apollo Server's pieces this path reuses (dist/cjs of @apollo/server 5). */
interface ApolloPieces {
  normalizeAndFormatErrors(errors: readonly unknown[], options: { formatError?: unknown; includeStacktraceInErrorResponses?: boolean }): { formattedErrors: GraphQLFormattedError[]; httpFromErrors: { status?: number; headers: HeaderMap } };
  ensureError(error: unknown): Error;
  ensureGraphQLError(error: unknown): GraphQLError;
  UserInputError: new (error: GraphQLError) => GraphQLError;
  newHTTPGraphQLHead(status?: number): { status?: number; headers: HeaderMap };
  mergeHTTPGraphQLHead(target: { status?: number; headers: HeaderMap }, source: { status?: number; headers: HeaderMap }): void;
  newCachePolicy(): unknown;
  makeGatewayGraphQLRequestContext(requestContext: unknown, server: unknown, internals: unknown): unknown;
  chooseContentTypeForSingleResultResponse(head: { headers: HeaderMap }): string | null;
}

/** The parts of Apollo Server's private state read here. */
interface ApolloInternals {
  state: { phase: string; schemaManager?: { getSchemaDerivedData(): { schema: GraphQLSchema } } };
  plugins: Array<{ requestDidStart?(context: unknown): Promise<GraphQLRequestListener<BaseContext> | void> }>;
  gatewayExecutor: ((context: unknown) => Promise<{ data?: Record<string, unknown> | null; errors?: readonly GraphQLError[]; extensions?: Record<string, unknown> }>) | null;
  parseOptions: Parameters<typeof parse>[1];
  validationRules: NonNullable<Parameters<typeof validate>[2]>;
  laterValidationRules?: NonNullable<Parameters<typeof validate>[2]>;
  dangerouslyDisableValidation?: boolean;
  formatError?: unknown;
  includeStacktraceInErrorResponses?: boolean;
  status400ForVariableCoercionErrors?: boolean;
  stringifyResult(result: unknown): string | Promise<string>;
}

export interface PreparedPathOptions {
  /** Texts kept, by their length in characters; the least recently used goes first. */
  maxTextChars?: number;
  /** Longer texts are never kept: one of them would push out many ordinary ones. */
  maxKeptTextChars?: number;
}

export interface PreparedPath {
  /** The answer, or undefined for Apollo Server to give one (nothing has run then). */
  serve(request: HTTPGraphQLRequest, contextValue: BaseContext): Promise<HTTPGraphQLResponse | undefined>;
  /** For /status: requests answered here and texts kept since start. */
  status(): { served: number; texts: number };
}

/** The path for this Apollo Server (started), or undefined when this version of Apollo Server lacks what it reuses. */
export function preparedPath(apollo: ApolloServer<BaseContext>, logger: Logger, options: PreparedPathOptions = {}): PreparedPath | undefined {
  const pieces = loadApolloPieces();
  const internals = (apollo as unknown as { internals?: ApolloInternals }).internals;
  if (!pieces || !internals || !Array.isArray(internals.plugins) || typeof internals.stringifyResult !== 'function') {
    logger.warn('this @apollo/server version lacks what the prepared request path reuses: every request goes through Apollo Server (pin @apollo/server ~5.5)');
    return undefined;
  }
  const maxKept = options.maxKeptTextChars ?? 64 * 1024;
  const texts = new LRUCache<string, PreparedText>({ maxSize: options.maxTextChars ?? 8 * 1024 * 1024, sizeCalculation: (_value, key) => Math.max(1, key.length) });

  const prepare = (schema: GraphQLSchema, query: string): PreparedText | undefined => {
    const kept = texts.get(query);
    if (kept && kept.schema === schema) return kept;
    let document: DocumentNode;
    try {
      document = parse(query, internals.parseOptions);
    } catch {
      return undefined;
    }
    if (internals.dangerouslyDisableValidation !== true) {
      if (validate(schema, document, [...specifiedRules, ...internals.validationRules]).length > 0) return undefined;
      if (internals.laterValidationRules && validate(schema, document, internals.laterValidationRules).length > 0) return undefined;
    }
    const prepared = { schema, queryHash: createHash('sha256').update(query).digest('hex'), document };
    if (query.length <= maxKept) texts.set(query, prepared);
    return prepared;
  };

  let served = 0;
  const serve = async (http: HTTPGraphQLRequest, contextValue: BaseContext): Promise<HTTPGraphQLResponse | undefined> => {
    const schema = internals.state.phase === 'started' ? internals.state.schemaManager?.getSchemaDerivedData().schema : undefined;
    if (!schema || !internals.gatewayExecutor || http.method !== 'POST' || !isRecord(http.body)) return undefined;
    const { query, operationName, variables, extensions } = http.body;
    if (typeof query !== 'string' || query === '') return undefined;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
    if (variables !== undefined && variables !== null && !isRecord(variables)) return undefined;
    if (extensions !== undefined && extensions !== null && (!isRecord(extensions) || 'persistedQuery' in extensions)) return undefined;
    const contentType = pieces.chooseContentTypeForSingleResultResponse(http);
    if (!contentType) return undefined;
    const prepared = prepare(schema, query);
    if (!prepared) return undefined;
    const operation = getOperationAST(prepared.document, operationName ?? undefined);
    if (!operation || operation.operation === 'subscription') return undefined;

    // From here on, what Apollo Server's processGraphQLRequest does for a document it has stored, in its order.
    const request = { query, operationName: operationName ?? undefined, variables: variables ?? undefined, extensions: extensions ?? undefined, http };
    const requestContext = {
      logger,
      cache: (apollo as unknown as { cache: unknown }).cache,
      schema,
      request,
      response: { http: pieces.newHTTPGraphQLHead() },
      // Apollo Server copies the context for each operation; so does this path.
      contextValue: Object.assign(Object.create(Object.getPrototypeOf(contextValue) as object) as object, contextValue),
      metrics: { persistedQueryHit: false, persistedQueryRegister: false },
      overallCachePolicy: pieces.newCachePolicy(),
      requestIsBatched: false,
      queryHash: prepared.queryHash,
      source: query,
      document: prepared.document,
      operation,
      operationName: operation.name?.value ?? null,
      errors: undefined as readonly GraphQLError[] | undefined,
    } as unknown as GraphQLRequestContext<BaseContext> & { errors?: readonly GraphQLError[]; response: { http: { status?: number; headers: HeaderMap }; body?: unknown } };
    served++;
    const listeners = (await Promise.all(internals.plugins.map((p) => p.requestDidStart?.(requestContext)))).filter((l): l is GraphQLRequestListener<BaseContext> => Boolean(l));
    const each = (hook: (l: GraphQLRequestListener<BaseContext>) => unknown) => Promise.all(listeners.map(hook));
    const formatErrors = (errors: readonly unknown[]) =>
      pieces.normalizeAndFormatErrors(errors, { formatError: internals.formatError, includeStacktraceInErrorResponses: internals.includeStacktraceInErrorResponses });
    const didEncounterErrors = async (errors: readonly GraphQLError[]) => {
      requestContext.errors = errors;
      await each((l) => l.didEncounterErrors?.(requestContext as never));
    };
    const respond = async (): Promise<HTTPGraphQLResponse> => {
      await each((l) => l.willSendResponse?.(requestContext as never));
      const head = requestContext.response.http;
      if (!head.headers.get('content-type')) head.headers.set('content-type', contentType);
      const body = (requestContext.response.body as { singleResult: { errors?: unknown; data?: unknown; extensions?: unknown } }).singleResult;
      return { status: head.status, headers: head.headers, body: { kind: 'complete', string: await internals.stringifyResult({ errors: body.errors, data: body.data, extensions: body.extensions }) } };
    };
    const sendErrors = async (errors: GraphQLError[]) => {
      await didEncounterErrors(errors);
      const { formattedErrors, httpFromErrors } = formatErrors(errors);
      requestContext.response.body = { kind: 'single', singleResult: { errors: formattedErrors } };
      pieces.mergeHTTPGraphQLHead(requestContext.response.http, httpFromErrors);
      if (!requestContext.response.http.status) requestContext.response.http.status = 500;
      return respond();
    };

    await each((l) => l.didResolveSource?.(requestContext as never));
    try {
      await each((l) => l.didResolveOperation?.(requestContext as never));
    } catch (error) {
      return sendErrors([pieces.ensureGraphQLError(error)]);
    }
    for (const listener of listeners) {
      const answer = await listener.responseForOperation?.(requestContext as never);
      if (answer) {
        requestContext.response.body = answer.body;
        pieces.mergeHTTPGraphQLHead(requestContext.response.http, answer.http as never);
        return respond();
      }
    }
    const executionListeners = (await each((l) => l.executionDidStart?.(requestContext as never))).filter(Boolean).reverse() as Array<{ executionDidEnd?(error?: Error): unknown }>;
    try {
      const result = await internals.gatewayExecutor(pieces.makeGatewayGraphQLRequestContext(requestContext, apollo, internals));
      const errors = result.errors?.map((e) => (isBadUserInput(e) && e.extensions?.code == null ? new pieces.UserInputError(e) : e));
      if (errors) await didEncounterErrors(errors);
      const { formattedErrors, httpFromErrors } = errors ? formatErrors(errors) : { formattedErrors: undefined, httpFromErrors: pieces.newHTTPGraphQLHead() };
      if (internals.status400ForVariableCoercionErrors && errors?.length && result.data === undefined && !httpFromErrors.status) httpFromErrors.status = 400;
      pieces.mergeHTTPGraphQLHead(requestContext.response.http, httpFromErrors);
      requestContext.response.body = { kind: 'single', singleResult: { ...result, errors: formattedErrors } };
    } catch (thrown) {
      const error = pieces.ensureError(thrown);
      await Promise.all(executionListeners.map((l) => l.executionDidEnd?.(error)));
      return sendErrors([pieces.ensureGraphQLError(error)]);
    }
    await Promise.all(executionListeners.map((l) => l.executionDidEnd?.()));
    return respond();
  };
  return { serve, status: () => ({ served, texts: texts.size }) };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Apollo Server's test for a variable coercion error (requestPipeline.js, not exported): such an error becomes BAD_USER_INPUT. */
function isBadUserInput(error: GraphQLError): boolean {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  if (node?.kind !== Kind.VARIABLE_DEFINITION) return false;
  const name = node.variable.name.value;
  return ['has invalid value', 'got invalid value ', 'of required type ', 'of non-null type '].some((tail) => error.message.startsWith(`Variable "$${name}" ${tail}`));
}

function loadApolloPieces(): ApolloPieces | undefined {
  try {
    const root = dirname(require.resolve('@apollo/server'));
    const load = (file: string) => require(join(root, file)) as Record<string, unknown>;
    const pieces = {
      ...pick(load('errorNormalize.js'), ['normalizeAndFormatErrors', 'ensureError', 'ensureGraphQLError']),
      ...pick(load('internalErrorClasses.js'), ['UserInputError']),
      ...pick(load('runHttpQuery.js'), ['newHTTPGraphQLHead', 'mergeHTTPGraphQLHead']),
      ...pick(load('cachePolicy.js'), ['newCachePolicy']),
      ...pick(load('utils/makeGatewayGraphQLRequestContext.js'), ['makeGatewayGraphQLRequestContext']),
      ...pick(load('ApolloServer.js'), ['chooseContentTypeForSingleResultResponse']),
    };
    return Object.values(pieces).every((piece) => typeof piece === 'function') ? (pieces as unknown as ApolloPieces) : undefined;
  } catch {
    return undefined;
  }
}

const pick = (module: Record<string, unknown>, names: readonly string[]) => Object.fromEntries(names.map((name) => [name, module[name]]));

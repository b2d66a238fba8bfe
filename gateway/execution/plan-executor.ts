/**
 * Executes @apollo/gateway's query plans, in place of its `executeQueryPlan`.
 *
 * Apollo's plan format is kept (planner.ts chooses the planner); so are its data sources
 * (ours, with the pooled connections and fetch merging), its error codes and its response rules. What changes
 * is the per-request work a cached plan still cost in Apollo's executor, about a fifth
 * of the gateway's CPU for a cache-warm dashboard page in the profile (17% result
 * shaping, 3% rebuilding the Operation, the rest small):
 * - the federation Operation was rebuilt from the AST on every request, the operation's
 *   fragments collected, and the plan cache keyed through a SHA-256 of the query hash;
 * - every plan node built a usage-reporting trace node (protobuf objects), even with
 *   usage reporting off;
 * - result shaping looked up @skip/@include and the field type for every value.
 * Here everything that depends only on the operation is prepared once per plan and
 * kept with it (the plan cache is bounded and emptied when the supergraph changes),
 * and result shaping runs compiled steps (`shape-response.ts`).
 *
 * What this executor does not do it hands to Apollo's, request by request: @defer
 * plans, requests that capture usage traces, operations its compiler declines.
 * Subscriptions, which Apollo's executor refuses, are run here one event at a time
 * (`SubscriptionStep`): the subgraph that owns the subscription sends each event, and the
 * rest of the plan completes it like a query. Both executors answer the same bytes for the same subgraph answers; the
 * parity suite (test/federation/executor-parity.test.ts) runs them side by side.
 */
import { createHash } from 'node:crypto';
import type { ApolloGateway } from '@apollo/gateway';
import { isObjectOfType, applyRewrites } from '@apollo/gateway/dist/dataRewrites';
import { GraphQLDataSourceRequestKind, type GraphQLDataSource } from '@apollo/gateway/dist/datasources/types';
import { generateHydratedPaths } from '@apollo/gateway/dist/executeQueryPlan';
import { isObject } from '@apollo/gateway/dist/utilities/predicates';
import { OpenTelemetrySpanNames, requestContextSpanAttributes, tracer as gatewayTracer } from '@apollo/gateway/dist/utilities/opentelemetry';
import { ERRORS, errorCodeDef, operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import { evaluateCondition, prettyFormatQueryPlan, type FetchNode, type PlanNode, type QueryPlan, type QueryPlanner, type QueryPlanSelectionNode } from '@apollo/query-planner';
import type { GatewayExecutionResult, GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import {
  executeSync,
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  validate,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { LRUCache } from 'lru-cache';
import { tracingActive } from '../../lib/tracing';
import { operationPlanner, type OperationPlanner } from './planner';
import { budgetOf, openBudget, type ResponseBounds, type ResponseBudget } from './response-budget';
import { compileResponseShaper, type ResponseShaper } from './shape-response';

/** What this executor reads of ApolloGateway: private in its typings, stable within 2.14. */
interface GatewayInternals {
  executor: GatewayExecutor;
  schema?: GraphQLSchema;
  apiSchema?: Schema;
  supergraphSchema?: GraphQLSchema;
  queryPlanner?: QueryPlanner;
  serviceMap: Record<string, { dataSource: GraphQLDataSource }>;
  config: { __exposeQueryPlanExperimental?: boolean };
}

type Variables = Record<string, unknown>;
type Entity = Record<string, any>;

interface Cursor {
  path: (string | number)[];
  data: any;
  fullResult: any;
}

/** Everything about one operation that does not change from request to request. */
interface PreparedOperation {
  plan: QueryPlan;
  /** Why Apollo's executor runs this operation instead, or undefined. */
  handOver: string | undefined;
  operation: Operation;
  definition: OperationDefinitionNode;
  /** What was planned: the client's document, or `planWith`'s. */
  planned: DocumentNode;
  shaper: ResponseShaper | undefined;
  /** Each entity fetch's representation builder. */
  representations: Map<FetchNode, (entity: unknown) => Entity | null>;
}

interface Execution {
  prepared: PreparedOperation;
  requestContext: GatewayGraphQLRequestContext;
  variables: Variables | undefined;
  services: Record<string, GraphQLDataSource>;
  supergraphSchema: GraphQLSchema;
  errors: GraphQLError[];
  budget: ResponseBudget | undefined;
  onMerged: PlanExecutorOptions['onMerged'];
}

/**
 * A subscription request's step, in its context (`subscription`): first `subscribe`, where
 * the plan says which subgraph to subscribe to and with what (`primary` is filled in),
 * then once per `event`, the subgraph's result for that first fetch, completed by the rest
 * of the plan. Without one, a subscription is refused: it cannot be answered once.
 */
export type SubscriptionStep =
  | { phase: 'subscribe'; primary?: { subgraph: string; query: string; operationName: string | undefined; variables: Variables } }
  | { phase: 'event'; result: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] } };

export const subscriptionStepOf = (context: unknown): SubscriptionStep | undefined => (context as { subscription?: SubscriptionStep } | null)?.subscription;

/** The form a document's operation is executed in (the gateway's normalized operation). */
export type WarmNormalizer = (schema: GraphQLSchema, document: DocumentNode, queryHash: string, operationName: string) => { document: DocumentNode; hash: string };

export interface PlanExecutorOptions {
  /** Plans kept (operations, not bytes); the least recently used goes first. */
  maxPlans?: number;
  /** What one request may bring back (bytes from subgraphs, entities resolved); unbounded when unset. */
  bounds?: ResponseBounds;
  /** Who plans (planner.ts); default @apollo/gateway's own planner. */
  planner?: OperationPlanner;
  /**
   * The document to plan for a client's document: the client's plus fields the gateway
   * needs itself (the audit's entity keys). The response is shaped by the client's
   * document alone, so what is added is fetched and never shown.
   */
  planWith?: (document: DocumentNode, schema: GraphQLSchema) => DocumentNode;
  /** Handed the subgraphs' merged answers before shaping, with the document that was planned. */
  onMerged?: (context: unknown, data: Record<string, unknown>, planned: DocumentNode) => void;
  /** Told each time an operation is planned (metrics). */
  onPlanned?: () => void;
  /** Told each time a request goes to Apollo's executor, and why (metrics). */
  onHandOver?: (reason: string) => void;
}

export class PlanExecutor {
  private readonly gateway: GatewayInternals;
  private readonly apolloExecutor: GatewayExecutor;
  private readonly plans: LRUCache<string, PreparedOperation>;
  private readonly planner: OperationPlanner;
  private plansFor: Schema | undefined;
  private services: Record<string, GraphQLDataSource> = {};

  /** Takes over `gateway`'s execution: call before Apollo Server loads the gateway. */
  constructor(
    gateway: ApolloGateway,
    private readonly options: PlanExecutorOptions = {},
  ) {
    this.gateway = gateway as unknown as GatewayInternals;
    if (typeof this.gateway.executor !== 'function' || typeof this.gateway.serviceMap !== 'object') {
      throw new Error('this @apollo/gateway version does not have the executor and service map the plan executor replaces: pin @apollo/gateway ~2.14 or set GATEWAY_EXECUTOR=apollo');
    }
    this.apolloExecutor = this.gateway.executor;
    this.plans = new LRUCache({ max: options.maxPlans ?? 1000 });
    this.planner = options.planner ?? operationPlanner('apollo', gateway);
    this.gateway.executor = (requestContext) => this.execute(requestContext);
  }

  /**
   * Plans and prepares operations before the first request asks for them (on start-up
   * and after each supergraph change). Documents the current schema refuses are skipped.
   */
  warm(documents: readonly string[], normalize?: WarmNormalizer): { prepared: number; skipped: number } {
    let prepared = 0;
    let skipped = 0;
    for (const text of documents) {
      const schema = this.gateway.schema;
      if (!schema) break;
      try {
        const document = parse(text);
        if (validate(schema, document).length > 0) {
          skipped++;
          continue;
        }
        const queryHash = createHash('sha256').update(text).digest('hex');
        const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
        for (const definition of operations) {
          if (!definition.name) continue;
          const name = definition.name.value;
          // Requests are planned in the form the gateway executes them: warm that form.
          const form = normalize ? normalize(schema, document, queryHash, name) : { document, hash: queryHash };
          const operation = this.prepared(form.hash, form.document, name);
          // Clients often send a one-operation document without its name: the same plan.
          if (operations.length === 1) this.plans.set(form.hash, operation);
          prepared++;
        }
      } catch {
        // A document that does not parse or plan is planned, and refused, when it is sent.
        skipped++;
      }
    }
    return { prepared, skipped };
  }

  private execute(requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    // Opened before either executor runs: the data sources charge it too, so Apollo's is bounded as well. Not
    // for mutations: stopping after a write was made would hide what was written.
    if (this.options.bounds && requestContext.operation?.operation !== 'mutation') openBudget(requestContext, this.options.bounds);
    return tracedAsync(
      OpenTelemetrySpanNames.REQUEST,
      () => ({
        ...requestContextSpanAttributes(requestContext, undefined),
        ...(requestContext.operation && { 'graphql.operation.type': requestContext.operation.operation }),
      }),
      () => this.executeOperation(requestContext),
      (result) => result.errors,
    );
  }

  private executeOperation(requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    let prepared: PreparedOperation;
    try {
      prepared = this.prepared(requestContext.queryHash, requestContext.document, requestContext.request.operationName ?? undefined);
    } catch {
      // Apollo's executor reports what is wrong with the operation (no operation of that name …).
      return this.handOver('unprepared', requestContext);
    }
    if (prepared.handOver) return this.handOver(prepared.handOver, requestContext);
    if (requestContext.metrics?.captureTraces) return this.handOver('usage traces', requestContext);
    return this.run(prepared, requestContext);
  }

  private handOver(reason: string, requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    this.options.onHandOver?.(reason);
    return this.apolloExecutor(requestContext);
  }

  private async run(prepared: PreparedOperation, requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    const schema = this.gateway.schema!;
    const variables = requestContext.request.variables;
    const variableDefinitions = prepared.definition.variableDefinitions;
    if (variableDefinitions && variableDefinitions.length > 0) {
      const { errors } = getVariableValues(schema, variableDefinitions, variables ?? {});
      if (errors) return { errors };
    }
    const execution: Execution = {
      prepared,
      requestContext,
      variables,
      services: this.services,
      supergraphSchema: this.gateway.supergraphSchema!,
      errors: [],
      budget: budgetOf(requestContext),
      onMerged: this.options.onMerged,
    };
    const response = await tracedAsync(
      OpenTelemetrySpanNames.EXECUTE,
      () => ({}),
      () => executePlan(execution, schema),
      (result) => result.errors,
    );
    const headers = requestContext.request.http?.headers;
    if (this.gateway.config.__exposeQueryPlanExperimental && headers?.get('Apollo-Query-Plan-Experimental')) {
      const format = headers.has('Apollo-Query-Plan-Experimental-Format') ? headers.get('Apollo-Query-Plan-Experimental-Format') : 'prettified';
      const pretty = prepared.plan.node ? prettyFormatQueryPlan(prepared.plan) : null;
      response.extensions = { __queryPlanExperimental: format === 'prettified' ? pretty || true : format === 'internal' ? prepared.plan : true };
    }
    return response;
  }

  /** The prepared operation for this query hash and operation name, planned on first use. */
  private prepared(queryHash: string, document: DocumentNode, operationName: string | undefined): PreparedOperation {
    const apiSchema = this.gateway.apiSchema;
    if (!apiSchema || !this.gateway.queryPlanner) throw new Error('the gateway has no supergraph loaded yet');
    if (apiSchema !== this.plansFor) {
      // A new supergraph: plans of the old one must not serve, and the data sources are new.
      this.plans.clear();
      this.plansFor = apiSchema;
      this.services = Object.fromEntries(Object.entries(this.gateway.serviceMap).map(([name, { dataSource }]) => [name, dataSource]));
    }
    const key = operationName === undefined ? queryHash : `${queryHash}\u0000${operationName}`;
    const cached = this.plans.get(key);
    // Least recently used goes first (lru-cache): a burst of new operations must not push out the ones in use.
    if (cached) return cached;
    const prepared = this.prepare(apiSchema, document, operationName);
    this.options.onPlanned?.();
    this.plans.set(key, prepared);
    return prepared;
  }

  private prepare(apiSchema: Schema, document: DocumentNode, operationName: string | undefined): PreparedOperation {
    const { definition, fragments } = operationOf(document, operationName);
    const planned = this.options.planWith ? this.options.planWith(document, this.gateway.schema!) : document;
    const plan = traced(OpenTelemetrySpanNames.PLAN, () => this.planner.plan(apiSchema, planned, operationName));
    const operation = operationFromDocument(apiSchema, { kind: Kind.DOCUMENT, definitions: [definition, ...fragments] }, { validate: false });
    const shaper = compileResponseShaper(operation);
    const representations = new Map<FetchNode, (entity: unknown) => Entity | null>();
    const supergraphSchema = this.gateway.supergraphSchema!;
    const handOver = !shaper ? 'operation not compiled' : planHandOver(plan.node, (fetch) => {
      if (fetch.requires) representations.set(fetch, compileRepresentation(fetch.requires, supergraphSchema));
    });
    return { plan, handOver, operation, definition, planned, shaper, representations };
  }
}

/** Why a plan goes to Apollo's executor, or undefined; calls `onFetch` for each fetch it will run. */
function planHandOver(node: QueryPlan['node'], onFetch: (fetch: FetchNode) => void): string | undefined {
  if (!node) return undefined;
  switch (node.kind) {
    case 'Subscription':
      // Its first fetch is the subgraph's event: only the rest is fetched here.
      return node.rest ? planHandOver(node.rest, onFetch) : undefined;
    case 'Defer':
      return '@defer';
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) {
        const reason = planHandOver(child, onFetch);
        if (reason) return reason;
      }
      return undefined;
    case 'Flatten':
      return planHandOver(node.node, onFetch);
    case 'Condition':
      return planHandOver(node.ifClause, onFetch) ?? planHandOver(node.elseClause, onFetch);
    case 'Fetch':
      onFetch(node);
      return undefined;
  }
}

function operationOf(document: DocumentNode, operationName: string | undefined): { definition: OperationDefinitionNode; fragments: FragmentDefinitionNode[] } {
  let definition: OperationDefinitionNode | undefined;
  let operations = 0;
  const fragments: FragmentDefinitionNode[] = [];
  for (const node of document.definitions) {
    if (node.kind === Kind.FRAGMENT_DEFINITION) fragments.push(node);
    if (node.kind !== Kind.OPERATION_DEFINITION) continue;
    operations++;
    if (!operationName && operations > 1) throw new Error('several operations and no operation name');
    if (!operationName || node.name?.value === operationName) definition = node;
  }
  if (!definition) throw new Error('no such operation');
  return { definition, fragments };
}

async function executePlan(execution: Execution, schema: GraphQLSchema): Promise<GatewayExecutionResult> {
  const { prepared, errors } = execution;
  const unfiltered: Entity = Object.create(null);
  const root = prepared.plan.node;
  if (root?.kind === 'Subscription') {
    const step = subscriptionStepOf(execution.requestContext.context);
    if (!step) {
      return {
        errors: [
          new GraphQLError('a subscription is served over WebSocket (graphql-transport-ws) or Server-Sent Events (Accept: text/event-stream), not as one answer', {
            extensions: { code: 'BAD_REQUEST' },
          }),
        ],
      };
    }
    if (step.phase === 'subscribe') {
      const { primary } = root;
      const variables: Variables = Object.create(null);
      for (const name of primary.variableUsages ?? []) if (execution.variables && Object.hasOwn(execution.variables, name)) variables[name] = execution.variables[name];
      step.primary = { subgraph: primary.serviceName, query: primary.operation, operationName: primary.operationName, variables };
      return { data: null };
    }
    const cursor: Cursor = { path: [], data: unfiltered, fullResult: unfiltered };
    if (step.result.errors?.length) {
      const errorPath = lazyErrorPaths(root.primary, cursor);
      execution.errors.push(...step.result.errors.map((error) => downstreamError(error, root.primary.serviceName, errorPath)));
    }
    const received = step.result.data;
    if (received) {
      applyRewrites(execution.supergraphSchema, root.primary.outputRewrites, received);
      mergeInto(unfiltered, received);
    }
    if (root.rest) await executeNode(execution, root.rest, cursor);
  } else if (root) {
    await executeNode(execution, root, { path: [], data: unfiltered, fullResult: unfiltered });
  }
  // Past its bound the request returns nothing of what it gathered: a part would look whole.
  if (execution.budget?.exceeded) return { data: null, errors: [execution.budget.exceeded as GraphQLError] };
  execution.onMerged?.(execution.requestContext.context, unfiltered, prepared.planned);
  const shape = () => {
    try {
      const { data, errors: completion } = prepared.shaper!.shape(unfiltered, execution.variables as Variables | undefined, (selection) =>
        introspect(schema, selection.expandFragments().toSelectionNode(), prepared.definition.variableDefinitions, execution.variables),
      );
      if (errors.length === 0 && completion.length > 0) return { result: { extensions: { valueCompletion: completion }, data } as GatewayExecutionResult, completion };
      return { result: (errors.length === 0 ? { data } : { errors, data }) as GatewayExecutionResult, completion: [] };
    } catch (error) {
      const failure = error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error });
      return { result: { errors: [failure] }, completion: [failure] };
    }
  };
  return traced(OpenTelemetrySpanNames.POST_PROCESSING, shape, ({ completion }) => completion).result;
}

async function executeNode(execution: Execution, node: PlanNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(execution, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(execution, child, cursor)));
      return;
    case 'Flatten':
      return executeNode(execution, node.node, moveInto(cursor, node.path));
    case 'Condition': {
      const branch = evaluateCondition(node, execution.prepared.operation.variableDefinitions, execution.variables) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(execution, branch, cursor);
      return;
    }
    case 'Fetch':
      if (execution.budget?.exceeded) return;
      try {
        await tracedAsync(
          OpenTelemetrySpanNames.FETCH,
          () => ({ service: node.serviceName }),
          () => executeFetch(execution, node, cursor),
        );
      } catch (error) {
        if (error !== execution.budget?.exceeded) execution.errors.push(error as GraphQLError);
      }
      return;
    case 'Defer':
      throw new Error('@defer plans are run by Apollo’s executor');
  }
}

async function executeFetch(execution: Execution, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = execution.services[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities: Entity[] = Array.isArray(cursor.data) ? cursor.data.filter((entity) => entity !== null && entity !== undefined) : [cursor.data];
  if (entities.length < 1) return;
  const variables: Variables = Object.create(null);
  const provided = execution.variables;
  if (fetch.variableUsages && provided) {
    for (const name of fetch.variableUsages) {
      if (Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
    }
  }
  if (!fetch.requires) {
    const received = await send(execution, fetch, cursor, service, variables);
    if (received) applyRewrites(execution.supergraphSchema, fetch.outputRewrites, received);
    for (const entity of entities) mergeInto(entity, received);
    return;
  }
  const represent = execution.prepared.representations.get(fetch)!;
  const representations: Entity[] = [];
  const representedEntities: Entity[] = [];
  for (const entity of entities) {
    const representation = represent(entity);
    if (representation && representation.__typename) {
      applyRewrites(execution.supergraphSchema, fetch.inputRewrites, representation);
      representations.push(representation);
      representedEntities.push(entity);
    }
  }
  if (representations.length < 1) return;
  execution.budget?.chargeEntities(representations.length);
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  variables.representations = representations;
  const received = await send(execution, fetch, cursor, service, variables);
  if (!received) return;
  const receivedEntities = received._entities;
  if (!Array.isArray(receivedEntities)) throw new Error('Expected "data._entities" in response to be an array');
  if (receivedEntities.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  for (let i = 0; i < representations.length; i++) {
    const receivedEntity = receivedEntities[i];
    const existing = representedEntities[i]!;
    if (receivedEntity && !receivedEntity.__typename) receivedEntity.__typename = existing.__typename;
    applyRewrites(execution.supergraphSchema, fetch.outputRewrites, receivedEntity);
    mergeInto(existing, receivedEntity);
  }
}

async function send(execution: Execution, fetch: FetchNode, cursor: Cursor, service: GraphQLDataSource, variables: Variables): Promise<Entity | null | undefined> {
  const { requestContext } = execution;
  const response = await service.process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: requestContext,
    context: requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path,
  });
  if (response.errors) {
    const errorPath = lazyErrorPaths(fetch, cursor);
    execution.errors.push(...response.errors.map((error) => downstreamError(error, fetch.serviceName, errorPath)));
    if (!response.extensions?.ftv1) {
      const paths = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
      const metrics = requestContext.metrics as { nonFtv1ErrorPaths?: { subgraph: string; path: unknown }[] } | undefined;
      if (metrics) metrics.nonFtv1ErrorPaths = [...(metrics.nonFtv1ErrorPaths ?? []), ...paths];
    }
  }
  return response.data as Entity | null | undefined;
}

/**
 * A fetch's `requires` as a function from entity to representation (Apollo's
 * `executeSelectionSet`): null when a required field is missing.
 */
function compileRepresentation(selections: readonly QueryPlanSelectionNode[], supergraphSchema: GraphQLSchema): (entity: unknown) => Entity | null {
  const steps = selections.map((selection) => {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ?? selection.name;
      const sub = selection.selections ? compileRepresentation(selection.selections, supergraphSchema) : undefined;
      return { field: true as const, responseName, sub };
    }
    const typeCondition = selection.typeCondition;
    return { field: false as const, typeCondition, sub: compileRepresentation(selection.selections, supergraphSchema) };
  });
  // An ordinary object where no key could reach Object.prototype (`__proto__` among them): a
  // prototype-less one is a dictionary in V8, several times the size, and a page builds hundreds.
  const ordinary = steps.every((step) => !step.field || !(step.responseName in Object.prototype));
  const represent = (source: any): Entity | null => {
    if (source === null) return null;
    const result: Entity = ordinary ? {} : Object.create(null);
    for (const step of steps) {
      if (step.field) {
        const value = Object.hasOwn(source, step.responseName) ? source[step.responseName] : undefined;
        if (value === undefined) return null;
        const sub = step.sub;
        if (Array.isArray(value)) result[step.responseName] = sub ? value.map((element) => sub(element)) : value;
        else result[step.responseName] = sub ? sub(value) : value;
      } else if (step.typeCondition && source && isObjectOfType(supergraphSchema, source, step.typeCondition)) {
        mergeInto(result, step.sub(source));
      }
    }
    return result;
  };
  return represent;
}

function moveInto(cursor: Cursor, path: (string | number)[]): Cursor | undefined {
  const data = flattenAt(cursor.data, path, 0);
  return data ? { path: cursor.path.concat(path), data, fullResult: cursor.fullResult } : undefined;
}

/**
 * The value at `path`, a list element of every list marked `@` on the way (Apollo's
 * flattening: `list.flatMap` at each `@`), gathered into one array rather than one per list.
 */
export function flattenAt(value: any, path: readonly (string | number)[], from: number): any {
  let at = value;
  for (let i = from; i < path.length; i++) {
    if (at === undefined || at === null) return at;
    const current = path[i]!;
    if (current === '@') {
      const found: unknown[] = [];
      spreadAt(at, path, i, found);
      return found;
    }
    at = fieldOf(at, current);
  }
  return at;
}

/** Pushes onto `found` what `list.flatMap((element) => flattenAt(element, path, at + 1))` would hold; `path[at]` is `@`. */
function spreadAt(list: any, path: readonly (string | number)[], at: number, found: unknown[]): void {
  // Not a list where the plan has one: Apollo's executor fails with this TypeError from its
  // own flatMap, and the message reaches the client, so it is kept word for word.
  if (!Array.isArray(list)) throw new TypeError('value.flatMap is not a function');
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) continue;
    let value = list[i];
    let next = at + 1;
    while (next < path.length && value !== undefined && value !== null && path[next] !== '@') value = fieldOf(value, path[next++]!);
    if (next < path.length && value !== undefined && value !== null) spreadAt(value, path, next, found);
    else if (Array.isArray(value)) {
      for (let j = 0; j < value.length; j++) if (j in value) found.push(value[j]);
    } else found.push(value);
  }
}

function fieldOf(value: any, current: string | number): unknown {
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${current}`);
  return Object.hasOwn(value, current) ? value[current] : undefined;
}

// Not Object.hasOwn: inside for…in, V8 answers `hasOwnProperty` from the enum cache (23 against
// 74–82 ns an object in a micro-benchmark on this machine).
const { hasOwnProperty } = Object.prototype;

/**
 * @apollo/gateway's `deepMerge`, the same rules, walking keys with for…in (V8's enum cache)
 * instead of an `Object.keys` array for every object merged: those arrays were 4.5% of what
 * the gateway allocated for a cache-warm dashboard page.
 */
export function mergeInto(target: any, source: any): any {
  if (source === undefined || source === null) return target;
  for (const key in source) {
    if (!hasOwnProperty.call(source, key)) continue;
    const value = source[key];
    if (value === undefined) continue;
    // An inherited name (`constructor`, `__proto__`) becomes the target's own before it is written or read.
    if (!hasOwnProperty.call(target, key) && key in target) Object.defineProperty(target, key, { configurable: true, enumerable: true, value: undefined, writable: true });
    const existing = target[key];
    if (existing && isObject(value)) mergeInto(existing, value);
    else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i++) {
        if (isObject(existing[i]) && isObject(value[i])) mergeInto(existing[i], value[i]);
        else existing[i] = value[i];
      }
    } else target[key] = value;
  }
  return target;
}

/** A subgraph error's path in the client's response (entity fetches: through the plan's path). */
function lazyErrorPaths(fetch: FetchNode, cursor: Cursor): (path: readonly (string | number)[] | undefined) => (string | number)[] | undefined {
  let hydrated: (string | number)[][] | undefined;
  return (errorPath) => {
    if (fetch.requires && typeof errorPath?.[1] === 'number') {
      if (!hydrated) {
        hydrated = [];
        generateHydratedPaths([], cursor.path, cursor.fullResult, hydrated);
      }
      return [...(hydrated[errorPath[1]] ?? []), ...errorPath.slice(2)];
    }
    return errorPath ? [...cursor.path, ...errorPath] : undefined;
  };
}

function downstreamError(original: GraphQLFormattedError, serviceName: string, errorPath: ReturnType<typeof lazyErrorPaths>): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = { originalError: original as Error, path: errorPath(original.path), extensions: { ...original.extensions, serviceName } };
  const codeDef = errorCodeDef(original as GraphQLError);
  if (!codeDef && original.extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

function introspect(schema: GraphQLSchema, selection: FieldNode, variableDefinitions: readonly VariableDefinitionNode[] | undefined, variables: Variables | undefined): unknown {
  const used = new Set<string>();
  visit(selection, { Variable: ({ name }) => void used.add(name.value) });
  const { data, errors } = executeSync({
    schema,
    document: {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          kind: Kind.OPERATION_DEFINITION,
          operation: OperationTypeNode.QUERY,
          variableDefinitions: variableDefinitions?.filter((definition) => used.has(definition.variable.name.value)),
          selectionSet: { kind: Kind.SELECTION_SET, selections: [selection] },
        },
      ],
    },
    rootValue: {},
    variableValues: variables,
  });
  if ((errors && errors.length > 0) || !data) throw new Error(`Introspection query failed: ${JSON.stringify(errors)}`);
  const responseName = selection.alias?.value ?? selection.name.value;
  return Object.hasOwn(data, responseName) ? data[responseName] : undefined;
}

/**
 * `work` inside a span named as @apollo/gateway names its own, when tracing is on: an
 * error thrown, or those `failures` finds in the result, mark the span failed.
 */
function traced<T>(name: string, work: () => T, failures?: (result: T) => readonly Error[] | undefined): T {
  if (!tracingActive()) return work();
  return gatewayTracer.startActiveSpan(name, (span) => {
    try {
      const result = work();
      const failing = failures?.(result);
      if (failing?.length) failed(span, failing);
      return result;
    } catch (error) {
      failed(span, [error as Error]);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `traced` for asynchronous work; the attributes are only worked out when tracing is on. */
function tracedAsync<T>(name: string, attributes: () => Attributes, work: () => Promise<T>, failures?: (result: T) => readonly Error[] | undefined): Promise<T> {
  if (!tracingActive()) return work();
  return gatewayTracer.startActiveSpan(name, { attributes: attributes() }, async (span) => {
    try {
      const result = await work();
      const failing = failures?.(result);
      if (failing?.length) failed(span, failing);
      return result;
    } catch (error) {
      failed(span, [error as Error]);
      throw error;
    } finally {
      span.end();
    }
  });
}

function failed(span: Span, errors: readonly Error[]): void {
  for (const error of errors) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

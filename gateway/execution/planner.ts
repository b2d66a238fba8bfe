/**
 * Who turns an operation into a query plan for the plan executor (GATEWAY_PLANNER):
 * `hive`, Hive Router's planner (the default), or `apollo`, @apollo/gateway's own
 * planner (@graphql-hive/router-query-planner, Rust, prebuilt for Linux x64/arm64 and
 * macOS in the npm package).
 *
 * Hive's planner writes Apollo-format plans with a few differences, adapted here so the
 * executor runs both alike:
 * - flatten paths are `{ Field }`, `"@"` and `{ TypeCondition }` segments (Apollo: strings);
 *   a type condition is dropped, since each entity fetch's `requires` already picks its
 *   types (an entity of another type gives no representation);
 * - a required field fetched under an alias (`_internal_qp_alias_0: comments(limit: 3)`,
 *   so the client's `comments(limit: 1)` keeps its own answer) is named by the alias and
 *   sent under the field's name: here a `KeyRenamer` input rewrite, which Apollo's format has;
 * - rewrites are `{ ValueSetter: … }` / `{ KeyRenamer: … }` with `{ TypenameEquals }` and
 *   `{ Key }` segments (Apollo: `kind` and `"... on T"` / field-name strings);
 * - `BatchFetch` (one request with an `_entities` field per entity type, each gathering
 *   representations from several paths) becomes one entity fetch per alias and path:
 *   our data source merges a wave's entity fetches to one subgraph into one request anyway
 *   (subgraph-data-source.ts), so the subgraph still gets one request;
 * - a subscription is `Sequence [Subscription { primary }, …]` (Apollo: `Subscription
 *   { primary, rest }`);
 * - it does not plan introspection (`__schema`, `__type`): Hive Router answers it before
 *   planning, as our executor does, so it is taken out of the document it is given.
 * What the executor hands to Apollo's executor (@defer, subscriptions, usage traces) is
 * planned by Apollo's planner whichever is chosen.
 */
import type { ApolloGateway } from '@apollo/gateway';
import { operationFromDocument, type Schema } from '@apollo/federation-internals';
import type { FetchDataRewrite, FetchNode, PlanNode, QueryPlan, QueryPlanner, QueryPlanSelectionNode, SubscriptionNode } from '@apollo/query-planner';
import type * as Hive from '@graphql-hive/router-query-planner';
import { Kind, parse, print, stripIgnoredCharacters, visit, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';

export const PLANNERS = ['apollo', 'hive'] as const;
export type PlannerName = (typeof PLANNERS)[number];
/** Hive's: as correct as Apollo's on everything we test and right where Apollo's is wrong (docs/NOTES.md). */
export const DEFAULT_PLANNER: PlannerName = 'hive';

/** Plans one operation of a document against the supergraph the gateway serves now. */
export interface OperationPlanner {
  plan(apiSchema: Schema, document: DocumentNode, operationName: string | undefined): QueryPlan;
}

/** What the planners read of ApolloGateway: private in its typings, stable within 2.14. */
interface GatewayPlanning {
  queryPlanner?: QueryPlanner;
  supergraphSdl?: string;
  recursiveSelectionsLimitDisabled?: boolean;
  nonLocalSelectionsLimitDisabled?: boolean;
}

export function operationPlanner(name: PlannerName, gateway: ApolloGateway): OperationPlanner {
  const internals = gateway as unknown as GatewayPlanning;
  return name === 'hive' ? hivePlanner(internals) : apolloPlanner(internals);
}

function apolloPlanner(gateway: GatewayPlanning): OperationPlanner {
  return {
    plan: (apiSchema, document, operationName) =>
      gateway.queryPlanner!.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName }), {
        recursiveSelectionsLimitDisabled: gateway.recursiveSelectionsLimitDisabled,
        nonLocalSelectionsLimitDisabled: gateway.nonLocalSelectionsLimitDisabled,
      }),
  };
}

function hivePlanner(gateway: GatewayPlanning): OperationPlanner {
  // Loaded only when chosen: the addon is a native binary for a few platforms.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { QueryPlanner: HiveQueryPlanner } = require('@graphql-hive/router-query-planner') as typeof Hive;
  let current: { sdl: string; planner: Hive.QueryPlanner } | undefined;
  const noLabels = new Set<string>();
  return {
    plan: (_apiSchema, document, operationName) => {
      const sdl = gateway.supergraphSdl;
      if (!sdl) throw new Error('the gateway has no supergraph loaded yet');
      // One planner per supergraph: the executor empties its plans when the supergraph changes, and so do we.
      if (current?.sdl !== sdl) current = { sdl, planner: new HiveQueryPlanner(sdl) };
      const planned = withoutIntrospection(document, operationName);
      if (!planned) return { kind: 'QueryPlan' };
      return fromHivePlan(current.planner.plan(print(planned), operationName ?? null, noLabels, 0));
    },
  };
}

/**
 * The document without `__schema` and `__type` (they exist only on the query root), or
 * undefined when the operation asks for nothing else. A fragment left empty keeps
 * `__typename`, so the document stays valid.
 */
function withoutIntrospection(document: DocumentNode, operationName: string | undefined): DocumentNode | undefined {
  let removed = false;
  const stripped = visit(document, {
    Field: (field) => {
      if (field.name.value !== '__schema' && field.name.value !== '__type') return undefined;
      removed = true;
      return null;
    },
    SelectionSet: {
      leave: (set) => (set.selections.length > 0 ? undefined : { ...set, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] }),
    },
  });
  if (!removed) return document;
  const operation = stripped.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (operationName === undefined || d.name?.value === operationName),
  );
  const onlyTypename = operation?.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias);
  return onlyTypename ? undefined : stripped;
}

/** A Hive Router plan in the form the executor (and Apollo's) reads. */
export function fromHivePlan(plan: Hive.QueryPlan): QueryPlan {
  const node = plan.node;
  // Hive writes a subscription as Sequence [Subscription { primary }, what follows each event]; Apollo as Subscription { primary, rest }.
  if (node?.kind === 'Sequence' && node.nodes[0]?.kind === 'Subscription') {
    const rest = node.nodes.slice(1).map((child) => fromHiveNode(child) as PlanNode);
    return { kind: 'QueryPlan', node: { kind: 'Subscription', primary: fromHiveFetch(node.nodes[0].primary), ...(rest.length > 0 && { rest: rest.length === 1 ? rest[0]! : { kind: 'Sequence', nodes: rest } }) } };
  }
  return { kind: 'QueryPlan', node: node && (fromHiveNode(node) as PlanNode | SubscriptionNode) };
}

function fromHiveNode(node: Hive.PlanNode): PlanNode | SubscriptionNode {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return { kind: node.kind, nodes: node.nodes.map((child) => fromHiveNode(child) as PlanNode) };
    case 'Flatten':
      return { kind: 'Flatten', path: node.path.flatMap(fromHivePathSegment), node: fromHiveNode(node.node) as PlanNode };
    case 'Condition':
      return {
        kind: 'Condition',
        condition: node.condition,
        ifClause: node.ifClause && (fromHiveNode(node.ifClause) as PlanNode),
        elseClause: node.elseClause && (fromHiveNode(node.elseClause) as PlanNode),
      };
    case 'Fetch':
      return fromHiveFetch(node);
    case 'Subscription':
      return { kind: 'Subscription', primary: fromHiveFetch(node.primary) };
    case 'Defer':
      // Run by Apollo's executor, which plans it again itself: only the kind is read here.
      return { kind: 'Defer', primary: {}, deferred: [] };
    case 'BatchFetch':
      return fromHiveBatch(node);
  }
}

function fromHiveBatch(batch: Hive.BatchFetchNode): PlanNode {
  const document = parse(batch.operation);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const nodes = batch.entityBatch.aliases.flatMap((entry): PlanNode[] => {
    const aliased = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === entry.alias);
    if (!aliased) throw new Error(`Hive planner: BatchFetch names ${entry.alias}, which its operation does not select`);
    const rename = { Variable: (v: { name: { value: string } }) => (v.name.value === entry.representationsVariableName ? { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: 'representations' } } : undefined) };
    const entities: FieldNode = { ...visit(aliased, rename), alias: undefined };
    const used = new Set<string>();
    visit(entities, { Variable: (v) => void used.add(v.name.value) });
    const single: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          ...operation,
          variableDefinitions: operation.variableDefinitions?.filter((d) => used.has(d.variable.name.value) || d.variable.name.value === entry.representationsVariableName).map((d) => visit(d, rename)),
          selectionSet: { kind: Kind.SELECTION_SET, selections: [entities] },
        },
        ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION),
      ],
    };
    const fetch: Hive.FetchNode = {
      kind: 'Fetch',
      serviceName: batch.serviceName,
      operationKind: batch.operationKind,
      operation: stripIgnoredCharacters(print(single)),
      variableUsages: batch.variableUsages?.filter((name) => used.has(name)),
      requires: entry.requires,
      inputRewrites: entry.inputRewrites,
      outputRewrites: entry.outputRewrites,
    };
    return entry.paths.map((path) => ({ kind: 'Flatten', path: path.flatMap(fromHivePathSegment), node: fromHiveFetch(fetch) }));
  });
  return nodes.length === 1 ? nodes[0]! : { kind: 'Parallel', nodes };
}

function fromHivePathSegment(segment: Hive.FlattenNodePathSegment): string[] {
  if (segment === '@') return ['@'];
  if ('Field' in segment) return [segment.Field];
  return [];
}

function fromHiveFetch(fetch: Hive.FetchNode): FetchNode {
  const renames: FetchDataRewrite[] = [];
  const requires = fetch.requires && fromHiveRequires(fetch.requires, [], renames);
  const inputRewrites = [...(fetch.inputRewrites ?? []).flatMap(fromHiveRewrite), ...renames];
  const outputRewrites = (fetch.outputRewrites ?? []).flatMap(fromHiveRewrite);
  return {
    kind: 'Fetch',
    serviceName: fetch.serviceName,
    variableUsages: fetch.variableUsages,
    operation: fetch.operation,
    operationName: fetch.operationName,
    operationKind: (fetch.operationKind ?? 'query') as FetchNode['operationKind'],
    ...(requires && { requires }),
    ...(inputRewrites.length > 0 && { inputRewrites }),
    ...(outputRewrites.length > 0 && { outputRewrites }),
  };
}

/**
 * Hive names a required field by the key it was fetched under (`name`, an internal alias)
 * and the key the subgraph expects (`alias`): read under the first, then renamed.
 */
function fromHiveRequires(selections: readonly Hive.RequiresSelection[], path: string[], renames: FetchDataRewrite[]): QueryPlanSelectionNode[] {
  return selections.map((selection): QueryPlanSelectionNode => {
    switch (selection.kind) {
      case 'Field': {
        const fetchedAs = selection.name;
        if (selection.alias && selection.alias !== fetchedAs) renames.push({ kind: 'KeyRenamer', path: [...path, fetchedAs], renameKeyTo: selection.alias });
        const inner = selection.selections && fromHiveRequires(selection.selections, [...path, fetchedAs], renames);
        return { kind: 'Field', name: fetchedAs, ...(inner && { selections: inner }) };
      }
      case 'InlineFragment':
        return {
          kind: 'InlineFragment',
          typeCondition: selection.typeCondition,
          selections: fromHiveRequires(selection.selections, path.length > 0 ? [...path, `... on ${selection.typeCondition}`] : path, renames),
        };
      case 'FragmentSpread':
        throw new Error('Hive planner: fragment spreads in `requires` are not supported by this executor');
    }
  });
}

/** One Apollo rewrite per type a `TypenameEquals` segment names. */
function fromHiveRewrite(rewrite: Hive.FetchRewrite): FetchDataRewrite[] {
  const [kind, body] = 'ValueSetter' in rewrite ? (['ValueSetter', rewrite.ValueSetter] as const) : 'KeyRenamer' in rewrite ? (['KeyRenamer', rewrite.KeyRenamer] as const) : (['ValueSetter', rewrite] as const);
  let paths: string[][] = [[]];
  for (const segment of body.path) {
    const choices = 'Key' in segment ? [segment.Key] : segment.TypenameEquals.map((type) => `... on ${type}`);
    paths = paths.flatMap((path) => choices.map((choice) => [...path, choice]));
  }
  return paths.map((path) =>
    kind === 'KeyRenamer' ? { kind, path, renameKeyTo: (body as Hive.KeyRenamer).renameKeyTo } : { kind, path, setValueTo: (body as Hive.ValueSetter).setValueTo },
  );
}

/**
 * Limits on what one operation may ask, checked on the normalized operation before
 * planning, with errors that name the limit: fields once fragments are inlined, nesting
 * depth, aliases, and a cost where list fields weigh as many items as their `first`
 * asks for (so a 100-row page of joins costs what it really costs). Fragments on types
 * that can never both apply cost their largest branch, not their sum. Partner systems
 * may run only the operations they registered (trusted documents), and neither partners
 * nor anyone in production may introspect the schema.
 *
 * What comes back is bounded too, while it is built (execution/response-budget.ts):
 * the estimate can be wrong (an unbounded list longer than assumed), the bound cannot.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionNode,
} from 'graphql';
import type { NormalizedOperation } from '../operation/normalize';
import { requireOperation, type Capability, type GatewayContext } from './capability';
import { sha256 } from '../../lib/hash';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Fields of the operation once its fragments are inlined (a fragment used ten times counts ten times). */
  maxSelections: number;
  /** Bytes the subgraphs may send for one request, counted as they arrive. */
  maxResponseBytes: number;
  /** Entities one request may resolve across subgraphs (representations sent in entity fetches). */
  maxEntities: number;
  /** Refuse introspection for everyone (production), not only partner systems. */
  introspectionOff: boolean;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxCost: 20_000,
  maxSelections: 2_000,
  maxResponseBytes: 8 * 1024 * 1024,
  maxEntities: 5_000,
  introspectionOff: false,
};

const refuse = (message: string, code = 'BAD_REQUEST', status = 400) => new GraphQLError(message, { extensions: { code, http: { status } } });

/** Refuses what costs too much before it is planned, and bounds what comes back while it runs. */
export function limitsCapability(limits: OperationLimits): Capability {
  const measured = new WeakMap<NormalizedOperation, Map<string, Measure>>();
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        // Field suggestions ("Did you mean …") map the schema for whoever guesses; partners get none.
        async didEncounterErrors(ctx) {
          if (ctx.contextValue.caller.kind !== 'client') return;
          for (const error of ctx.errors) error.message = error.message.replace(/\s*Did you mean .*\?$/, '');
        },
        async didResolveOperation(ctx) {
          const caller = ctx.contextValue.caller;
          if (caller.kind === 'client' && !caller.operations.has(sha256(ctx.source ?? ''))) {
            throw refuse(`this operation is not registered for client ${caller.subject}: register it (docs/partners.md) and send it as registered`, 'FORBIDDEN', 403);
          }
          const operation = requireOperation(ctx.contextValue);
          const variables = ctx.request.variables ?? {};
          let byValues = measured.get(operation);
          if (!byValues) measured.set(operation, (byValues = new Map()));
          const sizes = sizeVariables(operation);
          const key = sizes.map((name) => String(variables[name])).join('\u0000');
          let result = byValues.get(key);
          if (!result) {
            result = measure(ctx.schema, operation, variables);
            if (byValues.size < 100) byValues.set(key, result);
          }
          if (result.introspection && (limits.introspectionOff || caller.kind === 'client')) {
            throw refuse('introspection is not available to this caller', 'FORBIDDEN', 403);
          }
          if (result.depth > limits.maxDepth) throw refuse(`the operation is ${result.depth} levels deep; at most ${limits.maxDepth} are allowed`);
          if (result.aliases > limits.maxAliases) throw refuse(`the operation uses ${result.aliases} aliases; at most ${limits.maxAliases} are allowed`);
          if (result.cost > limits.maxCost) {
            throw refuse(`the operation would cost about ${result.cost} (list fields count as many items as they ask for); at most ${limits.maxCost} is allowed: ask for smaller pages`);
          }
        },
      };
    },
  };
  return { name: 'limits', plugin, execution: { bounds: limits } };
}

export interface Measure {
  depth: number;
  aliases: number;
  cost: number;
  introspection: boolean;
}

const SIZE_ARGUMENTS = new Set(['first', 'limit']);
const INTROSPECTION = new Set(['__schema', '__type']);

/** What an unbounded list (no `first`) is assumed to hold: a project's participants, tasks … */
const UNBOUNDED_LIST = 10;

/**
 * Depth, aliases and cost of a normalized operation. Introspection is answered by the
 * gateway from its schema (its nesting is bounded by validation): it costs nothing here.
 */
export function measure(schema: GraphQLSchema, operation: NormalizedOperation, variables: Record<string, unknown>): Measure {
  const result: Measure = { depth: 0, aliases: 0, cost: 0, introspection: false };
  const root = schema.getRootType(operation.kind);
  if (!root) return result;
  // `pageSize`: the `first` of a connection field, which sizes the list fields inside it (`nodes`).
  // Each selection is costed once; an abstract type's fragments are then summed per possible type.
  const cost = (type: GraphQLCompositeType, selections: readonly SelectionNode[], depth: number, multiplier: number, pageSize: number | undefined): number => {
    result.depth = Math.max(result.depth, depth);
    let shared = 0;
    const fragments: { applies: ReadonlySet<string> | null; cost: number }[] = [];
    for (const selection of selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (!condition || !isCompositeType(condition)) continue;
        const applies = isAbstractType(condition) ? new Set(schema.getPossibleTypes(condition).map((t) => t.name)) : new Set([condition.name]);
        fragments.push({ applies: isAbstractType(type) ? applies : null, cost: cost(condition, selection.selectionSet.selections, depth, multiplier, pageSize) });
        continue;
      }
      if (selection.kind !== Kind.FIELD) continue;
      if (selection.alias) result.aliases++;
      if (INTROSPECTION.has(selection.name.value)) {
        result.introspection = true;
        continue;
      }
      const field = 'getFields' in type ? (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)[selection.name.value] : undefined;
      const requested = field ? requestedSize(field, selection, variables) : undefined;
      const isList = field ? isListType(isNonNullType(field.type) ? field.type.ofType : field.type) : false;
      const items = multiplier * (isList ? (requested ?? pageSize ?? UNBOUNDED_LIST) : 1);
      shared += items;
      const child = field && getNamedType(field.type);
      if (selection.selectionSet && child && isCompositeType(child)) shared += cost(child, selection.selectionSet.selections, depth + 1, items, isList ? undefined : requested);
    }
    if (!isAbstractType(type)) return fragments.reduce((sum, f) => sum + f.cost, shared);
    // One object is one of the possible types: the dearest of them is what it can cost.
    let dearest = 0;
    for (const runtime of schema.getPossibleTypes(type)) {
      dearest = Math.max(dearest, fragments.reduce((sum, f) => (f.applies?.has(runtime.name) ? sum + f.cost : sum), 0));
    }
    return shared + dearest;
  };
  result.cost = cost(root, operation.definition.selectionSet.selections, 1, 1, undefined);
  return result;
}

/** Variables that size a list (`first: $n`): their values change the cost. */
function sizeVariables(operation: NormalizedOperation): string[] {
  const names = new Set<string>();
  const visit = (selections: readonly SelectionNode[]) => {
    for (const s of selections) {
      if (s.kind === Kind.FIELD) for (const a of s.arguments ?? []) if (SIZE_ARGUMENTS.has(a.name.value) && a.value.kind === Kind.VARIABLE) names.add(a.value.name.value);
      if (s.kind !== Kind.FRAGMENT_SPREAD && s.selectionSet) visit(s.selectionSet.selections);
    }
  };
  visit(operation.definition.selectionSet.selections);
  return [...names];
}

/** The size a field asks for: its `first` (or `limit`) argument or that argument's default. */
function requestedSize(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): number | undefined {
  const sizeArg = node.arguments?.find((a) => SIZE_ARGUMENTS.has(a.name.value));
  if (sizeArg?.value.kind === Kind.INT) return Math.max(1, Number(sizeArg.value.value));
  if (sizeArg?.value.kind === Kind.VARIABLE) {
    const value = Number(variables[sizeArg.value.name.value]);
    if (value > 0) return value;
  }
  const defaultValue = field.args.find((a) => SIZE_ARGUMENTS.has(a.name))?.defaultValue;
  return typeof defaultValue === 'number' ? defaultValue : undefined;
}

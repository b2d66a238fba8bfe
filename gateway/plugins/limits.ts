/**
 * Limits on what one operation may ask, checked before planning, with errors that name
 * the limit: nesting depth, aliases, and a cost where list fields weigh as many items
 * as their `first` asks for (so a 100-row page of joins costs what it really costs).
 * Partner systems may run only the operations they registered (trusted documents), and
 * neither partners nor anyone in production may introspect the schema.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  isListType,
  isNonNullType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getOperationAST,
  isCompositeType,
  type GraphQLCompositeType,
} from 'graphql';
import type { GatewayContext } from './context';
import { sha256 } from './identity';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Refuse introspection for everyone (production), not only partner systems. */
  introspectionOff: boolean;
}

export const DEFAULT_LIMITS: OperationLimits = { maxDepth: 12, maxAliases: 30, maxCost: 20_000, introspectionOff: false };

const refuse = (message: string, code = 'BAD_REQUEST', status = 400) =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

export function limitsPlugin(limits: OperationLimits): ApolloServerPlugin<GatewayContext> {
  return {
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
          const operation = getOperationAST(ctx.document, ctx.request.operationName);
          if (!operation) {
            throw refuse(
              ctx.request.operationName
                ? `the document has no operation named "${ctx.request.operationName}"`
                : 'the document has several operations: say which one in operationName',
            );
          }
          const measured = measure(ctx.schema, operation, ctx.request.variables ?? {});
          if (measured.introspection && (limits.introspectionOff || caller.kind === 'client')) {
            throw refuse('introspection is not available to this caller', 'FORBIDDEN', 403);
          }
          if (measured.depth > limits.maxDepth) throw refuse(`the operation is ${measured.depth} levels deep; at most ${limits.maxDepth} are allowed`);
          if (measured.aliases > limits.maxAliases) throw refuse(`the operation uses ${measured.aliases} aliases; at most ${limits.maxAliases} are allowed`);
          if (measured.cost > limits.maxCost) {
            throw refuse(`the operation would cost about ${measured.cost} (list fields count as many items as they ask for); at most ${limits.maxCost} is allowed: ask for smaller pages`);
          }
        },
      };
    },
  };
}

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
  introspection: boolean;
}

/** Depth, aliases and cost of an operation, fragments expanded. */
export function measure(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): Measure {
  const result: Measure = { depth: 0, aliases: 0, cost: 0, introspection: false };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) return result;
  // `pageSize`: the `first` of a connection field, which sizes the list fields inside it (`nodes`).
  const walk = (type: GraphQLCompositeType, selectionSet: SelectionSetNode, depth: number, multiplier: number, pageSize?: number) => {
    result.depth = Math.max(result.depth, depth);
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const t = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : type;
        walk(t ?? type, selection.selectionSet, depth, multiplier, pageSize);
        continue;
      }
      if (selection.kind !== Kind.FIELD) continue; // named fragments were validated; spreads are rare in partner operations
      if (selection.alias) result.aliases++;
      if (selection.name.value === '__schema' || selection.name.value === '__type') result.introspection = true;
      const field = 'getFields' in type ? (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)[selection.name.value] : undefined;
      const requested = field ? requestedSize(field, selection, variables) : undefined;
      const isList = field ? isListType(isNonNullType(field.type) ? field.type.ofType : field.type) : false;
      const items = multiplier * (isList ? requested ?? pageSize ?? UNBOUNDED_LIST : 1);
      result.cost += items;
      const child = field && getNamedType(field.type);
      if (selection.selectionSet && child && isCompositeType(child)) walk(child, selection.selectionSet, depth + 1, items, isList ? undefined : requested);
    }
  };
  walk(root, operation.selectionSet, 1, 1);
  return result;
}

/** What an unbounded list (no `first`) is assumed to hold: a project's participants, tasks … */
const UNBOUNDED_LIST = 10;

/** The size a field asks for: its `first` (or `limit`) argument or that argument's default. */
function requestedSize(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): number | undefined {
  const sizeArg = node.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'limit');
  if (sizeArg?.value.kind === Kind.INT) return Math.max(1, Number(sizeArg.value.value));
  if (sizeArg?.value.kind === Kind.VARIABLE) {
    const value = Number(variables[sizeArg.value.name.value]);
    if (value > 0) return value;
  }
  const defaultValue = field.args.find((a) => a.name === 'first' || a.name === 'limit')?.defaultValue;
  return typeof defaultValue === 'number' ? defaultValue : undefined;
}

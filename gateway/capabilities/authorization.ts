/**
 * Enforces `@authenticated` and `@requiresScopes` before anything is planned: fields the
 * caller may not read are cut out of the operation, so no subgraph (and no department)
 * is asked for them; in the response they come back null with UNAUTHENTICATED or
 * FORBIDDEN and their path, following GraphQL's null propagation, and the rest is served.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  getNamedType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { NormalizedOperation } from '../operation/normalize';
import type { AccessRule, PoliciesOf, SupergraphPolicies } from '../supergraph';
import { requireOperation, type Capability, type GatewayContext } from './capability';
import type { Caller } from './sign-in';

interface Segment {
  key: string;
  type: GraphQLOutputType;
}

interface Refusal {
  path: Segment[];
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  message: string;
}

/** The most errors one response carries for refusals; more are summarised in one. */
const MAX_REFUSAL_ERRORS = 50;

export function authorizationCapability(policiesFor: PoliciesOf): Capability {
  // The same operation from callers with the same scopes is cut the same way under the same rules: walk it once.
  const decidedUnder = new WeakMap<SupergraphPolicies, LRUCache<string, ReturnType<typeof authorize>>>();
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      let refusals: Refusal[] = [];
      return {
        async didResolveOperation(ctx) {
          const caller = ctx.contextValue.caller;
          const policies = policiesFor(ctx.schema);
          let decided = decidedUnder.get(policies);
          if (!decided) decidedUnder.set(policies, (decided = new LRUCache({ max: 2000 })));
          const operation = requireOperation(ctx.contextValue);
          const key = `${operation.hash}|${caller.kind}|${[...caller.scopes].sort().join(' ')}`;
          let result = decided.get(key);
          if (!result) {
            result = authorize(ctx.schema, policies, operation, caller);
            decided.set(key, result);
          }
          refusals = result.refusals;
          // A subscription has one root field: refused, there is nothing to subscribe to, and it is never opened.
          const rootRefusal = operation.definition.operation === 'subscription' ? result.refusals.find((r) => r.path.length === 1) : undefined;
          if (rootRefusal) throw new GraphQLError(rootRefusal.message, { extensions: { code: rootRefusal.code } });
          if (result.refusals.length > 0) {
            // Apollo Server hands these to the gateway's executor after this hook; the plan
            // cache is keyed by the hash, so a trimmed operation must not reuse the full one's plan.
            const writable = ctx as { document: DocumentNode; queryHash: string };
            writable.document = result.document;
            writable.queryHash = createHash('sha256').update(`${ctx.queryHash}:${result.signature}`).digest('hex');
          }
        },
        async willSendResponse(ctx) {
          if (refusals.length === 0 || ctx.response.body.kind !== 'single') return;
          const result = ctx.response.body.singleResult;
          const errors: GraphQLError[] = [];
          if (result.data) {
            const data = result.data as Record<string, unknown>;
            let dataBecomesNull = false;
            for (const refusal of refusals) if (applyRefusal(data, refusal, errors)) dataBecomesNull = true;
            if (dataBecomesNull) result.data = null;
          }
          const shown = errors.slice(0, MAX_REFUSAL_ERRORS);
          if (errors.length > MAX_REFUSAL_ERRORS) {
            shown.push(new GraphQLError(`${errors.length - MAX_REFUSAL_ERRORS} more fields were refused the same way`, { extensions: { code: errors[0]!.extensions.code } }));
          }
          result.errors = [...(result.errors ?? []), ...shown];
        },
      };
    },
  };
  return { name: 'authorization', plugin };
}

/** What the caller may not read in this operation, and the operation without it. */
export function authorize(
  schema: GraphQLSchema,
  policies: SupergraphPolicies,
  operation: NormalizedOperation,
  caller: Caller,
): { document: DocumentNode; refusals: Refusal[]; signature: string } {
  const { document } = operation;
  if (policies.access.size === 0) return { document, refusals: [], signature: '' };
  const refusals: Refusal[] = [];
  const typeInfo = new TypeInfo(schema);
  const path: Segment[] = [];
  // One marker per entered (kept) field: leave gets an edited copy of the node, so identity cannot be used.
  const entered: boolean[] = [];
  const trimmed = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          const parent = typeInfo.getParentType();
          const type = typeInfo.getType();
          if (!parent || !type) {
            entered.push(false);
            return undefined;
          }
          const key = node.alias?.value ?? node.name.value;
          const rules = [policies.access.get(`${parent.name}.${node.name.value}`), policies.access.get(getNamedType(type).name)];
          const denial = rules.map((rule) => rule && deny(rule, caller)).find(Boolean);
          if (denial) {
            refusals.push({ path: [...path, { key, type }], code: denial.code, message: `${parent.name}.${node.name.value}: ${denial.message}` });
            return null;
          }
          path.push({ key, type });
          entered.push(true);
          return undefined;
        },
        leave() {
          if (entered.pop()) path.pop();
          return undefined;
        },
      },
    }),
  );
  if (refusals.length === 0) return { document, refusals, signature: '' };
  return {
    document: fillEmptySelections(trimmed),
    refusals,
    signature: refusals.map((r) => r.path.map((s) => s.key).join('.')).join('|'),
  };
}

function deny(rule: AccessRule, caller: Caller): { code: Refusal['code']; message: string } | null {
  if (rule.authenticated && caller.kind === 'anonymous') {
    return { code: 'UNAUTHENTICATED', message: 'sign in to read this (send a bearer token or an API key)' };
  }
  if (rule.scopes.length && !rule.scopes.some((all) => all.every((s) => caller.scopes.has(s)))) {
    return { code: 'FORBIDDEN', message: `needs scope ${rule.scopes.map((all) => all.join(' + ')).join(' or ')}` };
  }
  return null;
}

/** A selection set left empty by cuts still needs a field to stay valid GraphQL. */
function fillEmptySelections(document: DocumentNode): DocumentNode {
  const typename: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };
  return visit(document, {
    SelectionSet: {
      leave(node) {
        return node.selections.length === 0 ? { ...node, selections: [typename] } : undefined;
      },
    },
  });
}

/**
 * Sets the refused field to null wherever its parent exists in `data`, adding an error
 * per place; returns true when null propagates all the way up to `data`.
 */
function applyRefusal(data: Record<string, unknown>, refusal: Refusal, errors: GraphQLError[]): boolean {
  const last = refusal.path.length - 1;
  const inObject = (object: Record<string, unknown>, i: number, at: (string | number)[]): boolean => {
    const segment = refusal.path[i]!;
    const here = [...at, segment.key];
    if (i === last) {
      object[segment.key] = null;
      errors.push(new GraphQLError(refusal.message, { path: here, extensions: { code: refusal.code } }));
      return isNonNullType(segment.type);
    }
    if (!(segment.key in object)) return false;
    if (inValue(object[segment.key], segment.type, i + 1, here)) {
      object[segment.key] = null;
      return isNonNullType(segment.type);
    }
    return false;
  };
  const inValue = (value: unknown, type: GraphQLOutputType, i: number, at: (string | number)[]): boolean => {
    if (value === null || value === undefined) return false;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      const items = value as unknown[];
      for (let k = 0; k < items.length; k++) {
        if (inValue(items[k], inner.ofType, i, [...at, k])) {
          if (isNonNullType(inner.ofType)) return true;
          items[k] = null;
        }
      }
      return false;
    }
    return inObject(value as Record<string, unknown>, i, at);
  };
  return inObject(data, 0, []);
}

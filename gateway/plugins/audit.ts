/**
 * One audit record for every request that returns entity data or personal data: who,
 * as which client, why (X-Purpose), which operation (its hash), the keys of every entity
 * returned, which personal fields were shown unmasked, and the outcome. Entity keys are
 * added to the operation when the caller did not ask for them, and removed again from
 * the response, so the record is complete whatever the query selected.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST, isObjectType, Kind, TypeInfo, getNamedType, visit, visitWithTypeInfo, type DocumentNode, type FieldNode, type GraphQLSchema } from 'graphql';
import { BoundedMap } from '../../lib/bounded-map';
import type { AuditLog } from '../audit-log';
import { responseWalker, type ResponseWalker } from '../response-walk';
import type { PoliciesOf, SupergraphPolicies } from '../supergraph';
import type { GatewayContext } from './context';
import { callerId } from './identity';
import { unmaskedFields } from './masking';

const AUDIT_KEY = '__auditKey_';

export function auditPlugin(policiesFor: PoliciesOf, log: AuditLog): ApolloServerPlugin<GatewayContext> {
  // Keyed by the (possibly trimmed) operation's hash: the same operation gets the same keys added, per set of rules.
  const withKeysUnder = new WeakMap<SupergraphPolicies, BoundedMap<string, { document: DocumentNode; queryHash: string }>>();
  // One walker per schema: a reloaded supergraph brings its own rules.
  const walkers = new WeakMap<GraphQLSchema, ResponseWalker>();
  const walkerFor = (schema: GraphQLSchema) => {
    let walk = walkers.get(schema);
    if (!walk) {
      const { entityKeys } = policiesFor(schema);
      walkers.set(schema, (walk = responseWalker(schema, (type, field) => entityKeys.get(type)?.[0] === field)));
    }
    return walk;
  };
  return {
    async requestDidStart() {
      let injected = false;
      // The hash of the text the caller sent (sha256, as Apollo computes it), before any rewrite.
      let documentHash = '';
      return {
        async didResolveSource(ctx) {
          documentHash = ctx.queryHash;
        },
        async didResolveOperation(ctx) {
          const policies = policiesFor(ctx.schema);
          let withKeysByHash = withKeysUnder.get(policies);
          if (!withKeysByHash) withKeysUnder.set(policies, (withKeysByHash = new BoundedMap(2000)));
          let withKeys = withKeysByHash.get(ctx.queryHash);
          if (!withKeys) {
            const document = injectEntityKeys(ctx.schema, policies, ctx.document);
            withKeys = { document, queryHash: document === ctx.document ? ctx.queryHash : createHash('sha256').update(`${ctx.queryHash}:audit-keys`).digest('hex') };
            withKeysByHash.set(ctx.queryHash, withKeys);
          }
          if (withKeys.document !== ctx.document) {
            injected = true;
            const writable = ctx as { document: DocumentNode; queryHash: string };
            writable.document = withKeys.document;
            writable.queryHash = withKeys.queryHash;
          }
        },
        async willSendResponse(ctx) {
          if (ctx.response.body.kind !== 'single') return;
          const policies = policiesFor(ctx.schema);
          const result = ctx.response.body.singleResult;
          const operation = ctx.document && getOperationAST(ctx.document, ctx.operationName);
          const entities: Record<string, Set<string>> = {};
          if (result.data && operation) {
            walkerFor(ctx.schema)(operation, result.data as Record<string, unknown>, (type, field, holder, key) => {
              const keys = policies.entityKeys.get(type);
              if (keys?.length === 1 && field === keys[0] && holder[key] != null) (entities[type] ??= new Set()).add(String(holder[key]));
              if (injected && key.startsWith(AUDIT_KEY)) delete holder[key];
            });
          }
          const unmasked = [...(unmaskedFields.get(ctx.contextValue) ?? [])];
          if (Object.keys(entities).length === 0 && unmasked.length === 0) return;
          const { caller, requestId, purpose } = ctx.contextValue;
          log.append({
            time: new Date().toISOString(),
            requestId,
            subject: callerId(caller),
            client: caller.kind === 'client' ? caller.name : null,
            org: caller.kind === 'user' ? caller.org : null,
            purpose,
            operationName: ctx.operationName,
            documentHash,
            entities: Object.fromEntries(Object.entries(entities).map(([type, keys]) => [type, [...keys].sort()])),
            unmasked,
            outcome: result.errors?.length ? (result.data ? 'partial' : 'error') : 'ok',
          });
        },
      };
    },
  };
}

/** Adds `__auditKey_<key>: <key>` to every selection on a single-key entity type that lacks its key. */
function injectEntityKeys(schema: import('graphql').GraphQLSchema, policies: SupergraphPolicies, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  let changed = false;
  const result = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node) {
        const type = typeInfo.getType() ? getNamedType(typeInfo.getType()) : typeInfo.getParentType();
        if (!type || !isObjectType(type)) return undefined;
        const keys = policies.entityKeys.get(type.name);
        if (keys?.length !== 1) return undefined;
        const key = keys[0]!;
        const present = node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === key && !s.alias);
        if (present) return undefined;
        changed = true;
        const field: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: `${AUDIT_KEY}${key}` }, name: { kind: Kind.NAME, value: key } };
        return { ...node, selections: [...node.selections, field] };
      },
    }),
  );
  return changed ? result : document;
}

/**
 * One audit record for every request that returns entity data or personal data: who,
 * as which client, why (X-Purpose), which operation (the hash of the text it sent), the
 * keys of every entity returned, which personal fields were shown unmasked, and the
 * outcome. The record is written before the response is sent.
 *
 * What it adds, and where:
 * - to the plan (`planWith`): each entity's key, fetched under a reserved alias whether
 *   or not the client selected it (audit/entity-keys.ts); the client's operation and
 *   answer are untouched, byte for byte;
 * - to execution (`onMerged`): it keeps the subgraphs' merged answers of the request,
 *   where those keys are;
 * - to the response (`willSendResponse`): the record.
 * Without merged answers (GATEWAY_EXECUTOR=apollo, or a request the compiled executor
 * handed to Apollo's) the record has only the keys the response shows, says so
 * (`entityKeys: "shown-only"`), and is written for every answer with data.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { EntityKeys } from '../audit/entity-keys';
import type { AuditLog } from '../audit/log';
import type { PoliciesOf } from '../supergraph';
import type { Capability, GatewayContext } from './capability';
import { callerId } from './sign-in';
import { unmaskedFields } from './masking';

export function auditCapability(policiesFor: PoliciesOf, log: AuditLog): Capability {
  // One reader of keys per schema: a reloaded supergraph brings its own entities.
  const keysBySchema = new WeakMap<GraphQLSchema, EntityKeys>();
  const keysFor = (schema: GraphQLSchema) => {
    let keys = keysBySchema.get(schema);
    if (!keys) keysBySchema.set(schema, (keys = new EntityKeys(schema, policiesFor(schema).entityKeys)));
    return keys;
  };
  // Each entry is taken out as soon as the response is due, not left for the context's
  // collection: a context that outlived two scavenges sits in the old generation, where only a
  // major collection finds it dead, and until then it would keep this request's merged answers
  // alive through every scavenge, promoting them (issue 15: 0.86 → 0.48 MB promoted per
  // scavenge, NOTES).
  const merged = new WeakMap<object, { data: Record<string, unknown>; planned: DocumentNode }>();

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      // The hash of the text the caller sent (sha256, as Apollo computes it), before normalization.
      let documentHash = '';
      return {
        async didResolveSource(ctx) {
          documentHash = ctx.queryHash;
        },
        async willSendResponse(ctx) {
          const fromPlan = merged.get(ctx.contextValue);
          merged.delete(ctx.contextValue);
          if (ctx.response.body.kind !== 'single') return release(fromPlan?.data);
          const result = ctx.response.body.singleResult;
          let entities: Record<string, string[]> = {};
          const operation = ctx.contextValue.operation;
          const data = result.data as Record<string, unknown> | null | undefined;
          // Without merged answers (Apollo's executor ran it) the record says its keys are only those the answer shows.
          const keysShownOnly = Boolean(data && !fromPlan);
          if (data && fromPlan) entities = keysFor(ctx.schema).collect(fromPlan.planned, fromPlan.data, data);
          else if (data && operation) entities = keysFor(ctx.schema).collectShown(operation.document, data);
          release(fromPlan?.data);
          const unmasked = [...(unmaskedFields.get(ctx.contextValue) ?? [])];
          if (Object.keys(entities).length === 0 && unmasked.length === 0 && !keysShownOnly) return;
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
            entities,
            ...(keysShownOnly ? { entityKeys: 'shown-only' } : {}),
            unmasked,
            outcome: result.errors?.length ? (result.data ? 'partial' : 'error') : 'ok',
          });
        },
      };
    },
  };
  return {
    name: 'audit',
    plugin,
    execution: {
      planWith: (document, schema) => keysFor(schema).withKeys(document),
      onMerged: (context, data, planned) => {
        if (context && typeof context === 'object') merged.set(context, { data, planned });
      },
    },
    stop: () => log.close(),
  };
}

/**
 * Empties the merged answers' root once the record is made (nothing reads them after): the
 * root was created when the request began and may already be old, and an old object's fields
 * keep young objects alive until the next major collection, dead or not.
 */
function release(data: Record<string, unknown> | undefined): void {
  if (data) for (const key of Object.keys(data)) delete data[key];
}

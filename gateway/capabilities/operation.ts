/**
 * Normalizes the request's operation once, before any policy runs (operation/normalize.ts):
 * the limits, the authorization cut, masking, the audit and the metrics all read
 * `context.operation`, and the gateway plans and executes its document. It must be the
 * first plugin with a `didResolveOperation` hook: Apollo Server starts each plugin's hook
 * in order, and the policies after it read what this one set.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { OperationNormalizer } from '../operation/normalize';
import type { Capability, GatewayContext } from './capability';

export function operationCapability(normalizerFor: (schema: GraphQLSchema) => OperationNormalizer): Capability {
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          // A subscription is many answers: it comes over a WebSocket or an event stream (subscriptions/), which say so in the context.
          if (ctx.operation?.operation === 'subscription' && !ctx.contextValue.subscription) {
            throw new GraphQLError(
              'a subscription is served over WebSocket (graphql-transport-ws, on this same /graphql) or Server-Sent Events (POST with Accept: text/event-stream), not as one HTTP answer',
              { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
            );
          }
          const operation = normalizerFor(ctx.schema).normalize(ctx.document, ctx.queryHash, ctx.request.operationName, ctx.request.variables);
          ctx.contextValue.operation = operation;
          // Apollo Server hands these to the gateway's executor after this hook: what is planned is the normalized form.
          const writable = ctx as { document: DocumentNode; queryHash: string };
          writable.document = operation.document;
          writable.queryHash = operation.hash;
        },
      };
    },
  };
  return { name: 'operation', plugin };
}

/**
 * Stale-if-error, told (contracts/stale-report.ts): when subgraphs served a department's
 * last known records because the department was down, their `extensions.stale` entries,
 * gathered per department in the request's context, are passed on to the caller.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { STALE_EXTENSION } from '../../contracts/stale-report';
import type { GatewayContext } from './context';

export function stalePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(ctx) {
          const entries = ctx.contextValue.stale?.entries;
          if (!entries?.length || ctx.response.body.kind !== 'single') return;
          const result = ctx.response.body.singleResult;
          result.extensions = { ...result.extensions, [STALE_EXTENSION]: entries };
        },
      };
    },
  };
}

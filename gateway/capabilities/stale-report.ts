/**
 * Stale-if-error, told (contracts/stale-report.ts): when a subgraph served a department's
 * last known records because the department was down, it says so in its answer's
 * `extensions.stale`; the entries of every fetch of the request are gathered per
 * department and passed on to the caller in the response's own `extensions.stale`.
 */
import { STALE_EXTENSION, StaleReport } from '../../contracts/stale-report';
import type { Capability } from './capability';

export function staleReportCapability(): Capability {
  return {
    name: 'stale report',
    context(_request, context) {
      context.stale = new StaleReport();
    },
    subgraphFetch: {
      didReceive({ response, context }) {
        context.stale?.add(response.extensions?.[STALE_EXTENSION]);
      },
    },
    plugin: {
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
    },
  };
}

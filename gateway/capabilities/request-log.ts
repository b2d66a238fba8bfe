/**
 * One line per request in the operators' log, by request id: who, which operation, how it
 * ended, how long it took; no data, no personal data. The request id and the trace context
 * go with every subgraph fetch, so the subgraphs' lines and spans join the gateway's, and a
 * subgraph that could not be used is logged with the request it failed.
 */
import type { Logger } from '../../lib/logger';
import { injectTraceHeaders } from '../../lib/tracing';
import type { Capability } from './capability';
import { callerId } from './sign-in';

export function requestLogCapability(logger: Logger): Capability {
  return {
    name: 'request log',
    plugin: {
      async requestDidStart() {
        const started = performance.now();
        return {
          async willSendResponse(ctx) {
            const errors = ctx.response.body.kind === 'single' ? (ctx.response.body.singleResult.errors ?? []) : [];
            logger.info(
              { requestId: ctx.contextValue.requestId, caller: callerId(ctx.contextValue.caller), operation: ctx.operationName, errors: errors.map((e) => e.extensions?.code), ms: Math.round(performance.now() - started) },
              'request',
            );
          },
        };
      },
    },
    subgraphFetch: {
      willSend({ headers, context }) {
        if (context.requestId) headers.set('x-request-id', context.requestId);
        // Runs inside the gateway.fetch span: the subgraph continues the trace from there.
        injectTraceHeaders(headers);
      },
      failed({ context, ...failure }) {
        logger.warn({ requestId: (context as { requestId?: string }).requestId, ...failure }, 'subgraph unavailable');
      },
    },
  };
}

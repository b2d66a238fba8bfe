import type { StaleReport } from '../../contracts/stale-report';
import type { NormalizedOperation } from '../operation/normalize';
import type { Caller } from './identity';

/** What every plugin knows about the request it serves. */
export interface GatewayContext {
  caller: Caller;
  requestId: string;
  /** `X-Purpose`: the case number, item code or project code the data is read for. */
  purpose: string | null;
  /** The caller as the gateway vouches for it to the subgraphs (signed). */
  identityToken: string;
  /** What subgraphs served from stale cache (their `extensions.stale`), passed on to the caller. */
  stale: StaleReport;
  /** The operation as every policy reads it (plugins/operation.ts sets it before any policy runs). */
  operation?: NormalizedOperation;
}

/** The request's normalized operation; a policy that runs without one is wired wrong. */
export function requireOperation(context: GatewayContext): NormalizedOperation {
  if (!context.operation) throw new Error('no normalized operation: the operation plugin must come before every policy');
  return context.operation;
}

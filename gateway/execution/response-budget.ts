/**
 * How much one request may bring back, counted while its answer is built: bytes as they
 * arrive from the subgraphs, and entities as they are sent for resolution. The limits
 * plugin refuses operations whose estimated cost is too high before anything is asked;
 * an estimate can be wrong (a list longer than assumed, a subgraph answering more than
 * it should), this bound cannot. A request over it stops with RESPONSE_TOO_LARGE before
 * the process holds more than the bound, whatever the operation looks like.
 */
import { responseTooLarge } from '../../lib/errors';

export interface ResponseBounds {
  maxResponseBytes: number;
  maxEntities: number;
}

export class ResponseBudget {
  private bytes = 0;
  private entities = 0;
  /** Set once the bound is passed: every later charge fails the same way. */
  exceeded: Error | undefined;

  constructor(private readonly bounds: ResponseBounds) {}

  chargeBytes(count: number): void {
    this.bytes += count;
    if (this.bytes > this.bounds.maxResponseBytes) {
      throw this.fail(responseTooLarge(`the subgraphs' answers grew past ${this.bounds.maxResponseBytes} bytes`));
    }
  }

  chargeEntities(count: number): void {
    this.entities += count;
    if (this.entities > this.bounds.maxEntities) {
      throw this.fail(responseTooLarge(`the operation reached more than ${this.bounds.maxEntities} entities`));
    }
  }

  private fail(error: Error): Error {
    this.exceeded ??= error;
    return this.exceeded;
  }
}

// Keyed by the request context Apollo Server hands the gateway's executor and its data sources.
const budgets = new WeakMap<object, ResponseBudget>();

export function openBudget(requestContext: object, bounds: ResponseBounds): ResponseBudget {
  let budget = budgets.get(requestContext);
  if (!budget) budgets.set(requestContext, (budget = new ResponseBudget(bounds)));
  return budget;
}

export function budgetOf(requestContext: object | undefined): ResponseBudget | undefined {
  return requestContext ? budgets.get(requestContext) : undefined;
}

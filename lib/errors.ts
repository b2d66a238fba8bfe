import { GraphQLError } from 'graphql';

/**
 * Every `extensions.code` this project emits, defined once with its meaning.
 * Tests assert these codes, never message text.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: 'An argument failed a check; the message says which check and what arrived. Fix the input and retry.',
  BAD_REQUEST: 'The HTTP request itself is malformed (not JSON, too large, no query). Fix the request.',
  DEPARTMENT_UNAVAILABLE:
    'A department system did not answer in time or answered with an error. Its fields are null; the rest of the response is served. Retry later; `extensions.department` names it.',
  DEPARTMENT_ERROR:
    'A department system answered with something this gateway cannot read (a changed or broken interface). Report it to the department named in `extensions.department`.',
  SUBGRAPH_UNAVAILABLE:
    'A subgraph behind the gateway could not be reached or answered something that is not GraphQL. Its fields are null; the rest is served. Retry later; `extensions.subgraph` names it, the gateway log has the detail.',
  UNAUTHENTICATED: 'No valid credential was presented (or a presented one is invalid or expired). Sign in, or send a registered API key.',
  FORBIDDEN:
    'The caller is known but may not read or do this: a missing scope, a record outside its jurisdiction, another department’s task, an unregistered operation. `path` names the field.',
  IDENTITY_PROVIDER_UNAVAILABLE:
    'The identity provider that issued the bearer token did not give its keys (discovery document or JWKS unreachable), so the token can be neither accepted nor refused. HTTP 503 with `Retry-After`; nothing else is wrong with the request. Retry shortly.',
  TOO_MANY_REQUESTS: 'The caller’s rate limit is used up; `Retry-After` says when to try again.',
  CONFLICT:
    'The request conflicts with the current state: a decision the task’s status does not allow, corrections nobody asked for, an idempotency key reused for another application, a message on a closed case. Nothing was changed; the message says what the state is.',
  RESPONSE_TOO_LARGE:
    'The answer grew past what one request may bring back (bytes from the subgraphs, or entities resolved), although the operation passed the limits checked before it ran. Nothing of it is returned. Ask for smaller pages or fewer fields.',
  NOT_READY:
    'This gateway replica cannot serve yet: it has no supergraph (its SUPERGRAPH_URL has not given a valid one since it started). HTTP 503 with `Retry-After`; `/readyz` says 503 until it can. Retry, or let the load balancer send the request to a ready replica.',
  NOT_BUILT: 'A web page of the gateway (explorer, dashboard) was never built in this installation. Run `npm run build:web` (npm install does it) and reload.',
  INTERNAL_SERVER_ERROR: 'A bug in this gateway or a subgraph. The request id in the logs finds it.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function badUserInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode, argument } });
}

export interface DepartmentRef {
  id: string;
  name: string;
}

export function departmentUnavailable(department: DepartmentRef, reason: string): GraphQLError {
  return new GraphQLError(`${department.name} is unavailable (${reason}); its data is missing from this response, retry later`, {
    extensions: { code: 'DEPARTMENT_UNAVAILABLE' satisfies ErrorCode, department: department.id, reason },
  });
}

export function departmentError(department: DepartmentRef, reason: string): GraphQLError {
  return new GraphQLError(`${department.name} answered something unexpected (${reason})`, {
    extensions: { code: 'DEPARTMENT_ERROR' satisfies ErrorCode, department: department.id, reason },
  });
}

/** A subgraph out of reach or answering something that is not GraphQL; where it lives and what it said go to the log only. */
export function subgraphUnavailable(subgraph: string, reason: string): GraphQLError {
  return new GraphQLError(`the ${subgraph} subgraph is unavailable (${reason}); its fields are missing from this response, retry later`, {
    extensions: { code: 'SUBGRAPH_UNAVAILABLE' satisfies ErrorCode, subgraph, reason },
  });
}

/** `details`: the state the request conflicted with, for a client to explain it in its own words. */
export function conflict(message: string, reason: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...details, code: 'CONFLICT' satisfies ErrorCode, reason } });
}

export function responseTooLarge(what: string): GraphQLError {
  return new GraphQLError(`${what}: one request may not bring back this much; ask for smaller pages (first) or fewer fields`, {
    extensions: { code: 'RESPONSE_TOO_LARGE' satisfies ErrorCode },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' satisfies ErrorCode } });
}

/** A request refused at the HTTP layer (before GraphQL): status, code and headers to send. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

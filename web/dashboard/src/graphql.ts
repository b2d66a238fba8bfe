import type { ResponseError, StaleReport } from './departments';
import { describeFailure, type ErrorText } from './error-messages';

export interface GraphQLResult<T> {
  data: T | null;
  errors: ResponseError[];
  stale: StaleReport[];
}

/** The gateway refused the credential itself (401): the reviewer must sign in again. */
export class SignInRequired extends Error {}

/** The request as a whole failed: the gateway is unreachable or refused it (4xx/5xx without data). `message` is the Chinese text. */
export class RequestFailed extends Error {
  constructor(readonly text: ErrorText) {
    super(text.message);
  }
}

export async function graphqlRequest<T>(
  endpoint: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<GraphQLResult<T>> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new RequestFailed(describeFailure('NETWORK_ERROR', (error as Error).message));
  }
  const body = (await response.json().catch(() => null)) as {
    data?: T | null;
    errors?: ResponseError[];
    extensions?: { stale?: StaleReport[] };
  } | null;
  if (response.status === 401) throw new SignInRequired('登录已失效或令牌无效，请重新登录。');
  // A replica starting or rolled (NOT_READY), too many requests (429), any other refusal: staff read why and what to do, the code behind 详情.
  if (!body || (body.data === undefined && !response.ok)) {
    const first = body?.errors?.[0];
    const code = first?.extensions?.code ?? (response.status === 429 ? 'TOO_MANY_REQUESTS' : 'HTTP_ERROR');
    throw new RequestFailed(describeFailure(code, `HTTP ${response.status}: ${first?.message ?? response.statusText}`));
  }
  return { data: body.data ?? null, errors: body.errors ?? [], stale: body.extensions?.stale ?? [] };
}

import type { ResponseError, StaleReport } from './departments';

export interface GraphQLResult<T> {
  data: T | null;
  errors: ResponseError[];
  stale: StaleReport[];
}

/** The gateway refused the credential itself (401): the reviewer must sign in again. */
export class SignInRequired extends Error {}

/** The request as a whole failed: the gateway is unreachable or refused it (4xx/5xx without data). */
export class RequestFailed extends Error {}

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
    throw new RequestFailed('无法连接数据网关，请检查网络后重试。');
  }
  const body = (await response.json().catch(() => null)) as {
    data?: T | null;
    errors?: ResponseError[];
    extensions?: { stale?: StaleReport[] };
  } | null;
  if (response.status === 401) throw new SignInRequired(body?.errors?.[0]?.message ?? '令牌无效或已过期');
  // A replica starting, draining or rolled (NOT_READY), or too many requests: staff read why and that a retry helps, never a code.
  if (response.status === 503 && body?.errors?.[0]?.extensions?.code === 'NOT_READY') throw new RequestFailed('数据网关正在启动或升级，请稍后重试。');
  if (response.status === 429) throw new RequestFailed('请求过于频繁，请稍后重试。');
  if (!body || (body.data === undefined && !response.ok)) {
    const message = body?.errors?.[0]?.message ?? `HTTP ${response.status}`;
    throw new RequestFailed(`数据网关拒绝了请求：${message}`);
  }
  return { data: body.data ?? null, errors: body.errors ?? [], stale: body.extensions?.stale ?? [] };
}

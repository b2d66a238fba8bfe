import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { ErrorText } from './error-messages';
import { describeFailure } from './error-messages';
import { graphqlRequest, RequestFailed, SignInRequired, type GraphQLResult } from './graphql';

export interface Session {
  endpoint: string;
  token: string;
  /** The gateway refused the token: back to the sign-in form, saying why. */
  signOut(reason: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export type Loaded<T> = { state: 'loading' } | { state: 'done'; result: GraphQLResult<T> } | { state: 'failed'; message: string; text: ErrorText };

/**
 * `retry` sends the same request again (the page shows loading meanwhile): after a failure, or to show what changed.
 * `refresh` does too, but the page keeps showing the last answer until the new one is in (a live update, no flicker).
 */
export type Retryable<T> = Loaded<T> & { retry(): void; refresh(): void };

/**
 * One GraphQL request per change of `variables` (compared as JSON); `null` sends none.
 * What an earlier set of variables loaded is never shown for the current one, and an
 * answer that arrives after the variables changed is dropped.
 */
export function useGraphQL<T>(query: string, variables: Record<string, unknown> | null): Retryable<T> {
  const session = useSession();
  const [attempt, setAttempt] = useState(0);
  const [revision, setRevision] = useState(0);
  const sentVariables = variables === null ? null : JSON.stringify(variables);
  const key = sentVariables === null ? null : `${attempt}|${revision}|${sentVariables}`;
  const [answer, setAnswer] = useState<{ key: string; loaded: Loaded<T> } | null>(null);
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    const sent = JSON.parse(key.split('|').slice(2).join('|')) as Record<string, unknown>;
    graphqlRequest<T>(session.endpoint, session.token, query, sent, controller.signal).then(
      (result) => setAnswer({ key, loaded: { state: 'done', result } }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof SignInRequired) return session.signOut(error.message);
        const text = error instanceof RequestFailed ? error.text : describeFailure('INTERNAL_SERVER_ERROR', error instanceof Error ? error.message : String(error));
        setAnswer({ key, loaded: { state: 'failed', message: text.message, text } });
      },
    );
    return () => controller.abort();
  }, [session, query, key]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const refresh = useCallback(() => setRevision((n) => n + 1), []);
  // An answer to the same variables and attempt, only an earlier refresh: shown until the new one arrives.
  const refreshing = answer !== null && answer.key.startsWith(`${attempt}|`) && answer.key.endsWith(`|${sentVariables}`) && answer.loaded.state === 'done';
  const loaded: Loaded<T> = answer !== null && (answer.key === key || refreshing) ? answer.loaded : { state: 'loading' };
  return { ...loaded, retry, refresh };
}

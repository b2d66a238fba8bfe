import { createContext, useContext, useEffect, useState } from 'react';
import { graphqlRequest, SignInRequired, type GraphQLResult } from './graphql';

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

export type Loaded<T> = { state: 'loading' } | { state: 'done'; result: GraphQLResult<T> } | { state: 'failed'; message: string };

/**
 * One GraphQL request per change of `variables` (compared as JSON); `null` sends none.
 * What an earlier set of variables loaded is never shown for the current one, and an
 * answer that arrives after the variables changed is dropped.
 */
export function useGraphQL<T>(query: string, variables: Record<string, unknown> | null): Loaded<T> {
  const session = useSession();
  const key = variables === null ? null : JSON.stringify(variables);
  const [answer, setAnswer] = useState<{ key: string; loaded: Loaded<T> } | null>(null);
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    graphqlRequest<T>(session.endpoint, session.token, query, JSON.parse(key) as Record<string, unknown>, controller.signal).then(
      (result) => setAnswer({ key, loaded: { state: 'done', result } }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof SignInRequired) return session.signOut(error.message);
        setAnswer({ key, loaded: { state: 'failed', message: error instanceof Error ? error.message : String(error) } });
      },
    );
    return () => controller.abort();
  }, [session, query, key]);
  return answer !== null && answer.key === key ? answer.loaded : { state: 'loading' };
}

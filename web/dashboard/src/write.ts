/**
 * Sending a mutation through the gateway, as the page's queries go: the same session, the
 * same policies (authorization, masking, audit) on the gateway's side. The answer is the
 * data, or the refusal said in Chinese (error-messages.ts) with its code kept.
 */
import { useCallback } from 'react';
import { describeError, describeFailure, type ErrorContext, type ErrorText } from './error-messages';
import { graphqlRequest, RequestFailed, SignInRequired } from './graphql';
import { useSession } from './use-graphql';

export type Written<T> = { ok: true; data: T } | { ok: false; code: string; reason: string | null; text: ErrorText };

export function useWrite() {
  const session = useSession();
  return useCallback(
    async <T>(operation: string, variables: Record<string, unknown>, context: ErrorContext = {}): Promise<Written<T>> => {
      try {
        const result = await graphqlRequest<T>(session.endpoint, session.token, operation, variables);
        const error = result.errors[0];
        if (error || !result.data) {
          const failure = error ?? { message: 'no data', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
          const reason = failure.extensions?.reason;
          return { ok: false, code: failure.extensions?.code ?? 'UNKNOWN', reason: typeof reason === 'string' ? reason : null, text: describeError(failure, context) };
        }
        return { ok: true, data: result.data };
      } catch (error) {
        if (error instanceof SignInRequired) session.signOut(error.message);
        const text = error instanceof RequestFailed ? error.text : describeFailure('NETWORK_ERROR', String(error));
        return { ok: false, code: text.detail.split(':', 1)[0]!, reason: null, text };
      }
    },
    [session],
  );
}

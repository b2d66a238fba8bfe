/**
 * Why the data is read (context.purpose): `X-Purpose: <kind>:<reference>`, e.g. the case
 * number a reviewer works on. The kinds a deployment accepts are its policy, not the
 * gateway's (ours: case, item and project, domain/purposes.ts; production must name them,
 * gateway/config.ts); unset, any lower-case kind is well-formed. Partner systems must
 * state one, of a kind they are registered for. Masking shows personal data only with a
 * purpose, and the audit records it.
 */
import { HttpError } from '../../lib/errors';
import { needs, type Capability } from './capability';

const REFERENCE = '[\\w.:-]{1,64}';
/** What a kind of purpose looks like (case, item, project …), wherever kinds are configured or registered. */
export const PURPOSE_KIND = /^[a-z][a-z0-9-]{0,31}$/;
const ANY_KIND = PURPOSE_KIND.source.slice(1, -1);

export function purposeCapability(kinds: readonly string[] | undefined): Capability {
  if (kinds?.length === 0) throw new Error('purposeKinds is empty: no purpose could be stated (leave it unset to accept any kind)');
  const valid = new RegExp(`^(${kinds ? kinds.map(escapeRegExp).join('|') : ANY_KIND}):${REFERENCE}$`);
  const shape = kinds ? kinds.map((kind) => `${kind}:<reference>`).join(', ') : '<kind>:<reference>';
  return {
    name: 'purpose',
    context({ header }, context) {
      const caller = needs(context, 'caller', 'purpose');
      const purpose = header('x-purpose') ?? null;
      if (purpose !== null && !valid.test(purpose)) throw new HttpError(400, 'BAD_REQUEST', `X-Purpose must be one of ${shape} (a reference is 1–64 letters, digits, _ . : or -)`);
      if (caller.kind === 'client') {
        if (!purpose) throw new HttpError(403, 'FORBIDDEN', `partner systems must state a purpose in X-Purpose (${shape})`);
        const kind = purpose.split(':', 1)[0]!;
        if (!caller.purposes.includes(kind)) throw new HttpError(403, 'FORBIDDEN', `client ${caller.subject} is not registered for purposes of kind "${kind}"`);
      }
      context.purpose = purpose;
    },
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

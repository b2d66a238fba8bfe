import type { IncomingMessage } from 'node:http';
import type { ContextDraft, IncomingRequest } from '../../gateway/capabilities/capability';
import { purposeCapability } from '../../gateway/capabilities/purpose';
import { HttpError } from '../../lib/errors';
import { PURPOSE_KINDS } from '../../domain/purposes';

const user = { kind: 'user', subject: 'u1', name: null, org: null, region: '522633', scopes: new Set<string>() } as const;
const partner = { kind: 'client', subject: 'bank', name: '银行', region: '522633', scopes: new Set<string>(), purposes: ['project'], operations: new Set<string>(), ratePerMinute: 60 } as const;

/** The purpose the capability sets for this header and caller, or the refusal's status and message. */
function purposeOf(kinds: readonly string[] | undefined, header: string | undefined, caller: ContextDraft['caller'] = user): string | null | { status: number; message: string } {
  const request: IncomingRequest = { req: {} as IncomingMessage, header: (name) => (name === 'x-purpose' ? header : undefined), address: '127.0.0.1' };
  const context: ContextDraft = { requestId: 'r1', caller };
  try {
    void purposeCapability(kinds).context!(request, context);
    return context.purpose!;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { status: error.status, message: error.message };
  }
}

describe('X-Purpose', () => {
  it.each(PURPOSE_KINDS.map((kind) => [kind]))('accepts the county kind %s with a reference', (kind) => {
    expect(purposeOf(PURPOSE_KINDS, `${kind}:522633-2026-0001`)).toBe(`${kind}:522633-2026-0001`);
  });

  it('refuses kinds the deployment does not accept, naming those it does', () => {
    expect(purposeOf(PURPOSE_KINDS, 'curiosity:1')).toEqual({ status: 400, message: expect.stringContaining('case:<reference>, item:<reference>, project:<reference>') });
  });

  it('accepts any lower-case kind when none are configured (another county names its own)', () => {
    expect(purposeOf(undefined, 'permit:A-1')).toBe('permit:A-1');
    expect(purposeOf(undefined, 'Permit:A-1')).toMatchObject({ status: 400 });
  });

  it('refuses an empty list of kinds at start-up rather than every purpose at run time', () => {
    expect(() => purposeCapability([])).toThrow(/purposeKinds is empty/);
  });

  it.each([['because I want it'], ['case:'], [`case:${'x'.repeat(65)}`], ['case:a b']])('refuses the malformed header %j', (header) => {
    expect(purposeOf(PURPOSE_KINDS, header)).toMatchObject({ status: 400 });
  });

  it('lets users send none, and makes partners state one of a kind they are registered for', () => {
    expect(purposeOf(PURPOSE_KINDS, undefined)).toBeNull();
    expect(purposeOf(PURPOSE_KINDS, undefined, partner)).toMatchObject({ status: 403, message: expect.stringContaining('must state a purpose') });
    expect(purposeOf(PURPOSE_KINDS, 'case:1', partner)).toMatchObject({ status: 403, message: expect.stringContaining('not registered for purposes of kind "case"') });
    expect(purposeOf(PURPOSE_KINDS, 'project:P-1', partner)).toBe('project:P-1');
  });
});

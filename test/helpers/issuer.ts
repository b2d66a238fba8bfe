import { ALL_SCOPES, ephemeralIssuer, type DevIssuer } from '../../stack/dev-issuer';

export { ALL_SCOPES };

/** Read and review scopes, not pii:read: the usual county staff token. */
export const STAFF_SCOPES = ALL_SCOPES.filter((s) => s !== 'pii:read');

export type TestIssuer = DevIssuer;
export const testIssuer = ephemeralIssuer;

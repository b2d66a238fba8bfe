import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalLicenceContent, inForceOn, LICENCE_TYPE_NAMES, type LicenceContent } from '../../domain/licences';
import { chinaDate } from '../../domain/time';

/**
 * Checks a department's e-licence signatures. A licence is `verified` when the
 * department's signature covers exactly the facts this subgraph shows (number, holder,
 * subject, dates): a record edited after signing, or signed by another key, is not.
 */
export class LicenceVerifier {
  private readonly key: KeyObject;

  constructor(publicKeyPem: string) {
    this.key = createPublicKey(publicKeyPem);
  }

  verify(content: LicenceContent, signature: string): boolean {
    if (!signature) return false;
    try {
      return verify(null, Buffer.from(canonicalLicenceContent(content)), this.key, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }
}

/** The GraphQL view of a licence: the shown facts, who issued it, and whether it verifies. */
export interface LicenceView {
  number: string;
  issuedOn: string;
  validUntil: string | null;
  type: string;
  typeName: string;
  issuingDepartment: string;
  signedContent: string;
  signature: string;
  /** What the QR code on a printed copy carries: the signed content and the signature. */
  paperCopyCode: string;
  verified: boolean;
  /** In force today (China time), whatever the signature says. */
  inForce: boolean;
}

export function licenceView(content: LicenceContent, signature: string, issuingDepartment: string, verifier: LicenceVerifier, today = chinaDate()): LicenceView {
  const signedContent = canonicalLicenceContent(content);
  return {
    number: content.number,
    issuedOn: content.issuedOn,
    validUntil: content.validUntil,
    type: content.type,
    typeName: LICENCE_TYPE_NAMES[content.type],
    issuingDepartment,
    signedContent,
    signature,
    paperCopyCode: JSON.stringify({ ...JSON.parse(signedContent), signature }),
    verified: verifier.verify(content, signature),
    inForce: inForceOn(content, today).inForce,
  };
}

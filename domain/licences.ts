/**
 * 电子证照 (e-licences): what a department signs, byte for byte. The issuing department
 * system signs the canonical content with its Ed25519 key; anyone with its public key
 * checks it. The same function on both sides is the whole contract, so it lives here.
 */
export type LicenceType =
  | 'BUSINESS_LICENCE'
  | 'LAND_CERTIFICATE'
  | 'SITE_SELECTION_OPINION'
  | 'LAND_PLANNING_PERMIT'
  | 'ENGINEERING_PLANNING_PERMIT'
  | 'CONSTRUCTION_PERMIT';

export const LICENCE_TYPE_NAMES: Record<LicenceType, string> = {
  BUSINESS_LICENCE: '营业执照',
  LAND_CERTIFICATE: '不动产权证书',
  SITE_SELECTION_OPINION: '建设项目用地预审与选址意见书',
  LAND_PLANNING_PERMIT: '建设用地规划许可证',
  ENGINEERING_PLANNING_PERMIT: '建设工程规划许可证',
  CONSTRUCTION_PERMIT: '建筑工程施工许可证',
};

/** The facts a licence attests, as signed. `holder` is the holder's 统一社会信用代码. */
export interface LicenceContent {
  type: LicenceType;
  number: string;
  holder: string;
  /** What the licence is about: a parcel's unit number, a project code, or the holder itself. */
  subject: string;
  issuedOn: string;
  validUntil: string | null;
  /** The issuing department's 统一社会信用代码. */
  issuer: string;
}

const FIELDS: (keyof LicenceContent)[] = ['type', 'number', 'holder', 'subject', 'issuedOn', 'validUntil', 'issuer'];

/** Canonical JSON: fixed key order, no spaces. This string is what gets signed. */
export function canonicalLicenceContent(content: LicenceContent): string {
  return JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, content[f] ?? null])));
}

/** Reads canonical content back, or says what is wrong with it. */
export function parseLicenceContent(text: string): LicenceContent | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'content is not JSON' };
  }
  if (!value || typeof value !== 'object') return { error: 'content must be a JSON object' };
  const record = value as Record<string, unknown>;
  for (const field of FIELDS) {
    const v = record[field];
    if (field === 'validUntil' ? v !== null && typeof v !== 'string' : typeof v !== 'string') {
      return { error: `content field "${field}" is missing or not a string` };
    }
  }
  if (!(record.type as string in LICENCE_TYPE_NAMES)) return { error: `unknown licence type "${String(record.type)}"` };
  return Object.fromEntries(FIELDS.map((f) => [f, record[f]])) as unknown as LicenceContent;
}

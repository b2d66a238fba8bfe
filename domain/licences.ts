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

/**
 * Reads the text of a licence's QR code (`paperCopyCode`: the signed content and its
 * signature) strictly: a field given twice, a field no licence has, or one missing is
 * refused, never resolved by taking one of the values (JSON.parse keeps the last).
 */
export function parseLicenceCode(text: string): { content: LicenceContent; signature: string } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'it is not JSON: pass the text of the licence’s QR code (paperCopyCode)' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'it must be a JSON object: the text of the licence’s QR code' };
  const repeated = repeatedKey(text);
  if (repeated !== null) return { error: `field "${repeated}" is given more than once` };
  const unknown = Object.keys(value).filter((k) => k !== 'signature' && !(FIELDS as string[]).includes(k));
  if (unknown.length) return { error: `field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not part of a licence` };
  const { signature, ...rest } = value as Record<string, unknown>;
  if (typeof signature !== 'string') return { error: 'field "signature" is missing or not a string' };
  const content = parseLicenceContent(JSON.stringify(rest));
  return 'error' in content ? content : { content, signature };
}

/** The first key an object of this (valid) JSON text repeats, or null. */
function repeatedKey(text: string): string | null {
  const objects: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const keys = objects.at(-1)!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      objects.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      objects.push(null);
    } else if (c === '}' || c === ']') {
      objects.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = objects.at(-1) instanceof Set;
    }
  }
  return null;
}

/**
 * Whether a licence is in force on `date` (YYYY-MM-DD): issued on or before it and not
 * past its `validUntil`. Independent of its signature: a genuine licence can have expired.
 */
export function inForceOn(content: Pick<LicenceContent, 'issuedOn' | 'validUntil'>, date: string): { inForce: boolean; reason: string | null } {
  if (content.issuedOn > date) return { inForce: false, reason: `not in force before ${content.issuedOn}` };
  if (content.validUntil !== null && content.validUntil < date) return { inForce: false, reason: `expired on ${content.validUntil}` };
  return { inForce: true, reason: null };
}

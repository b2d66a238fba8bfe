/**
 * The county's identifiers and their national check rules (see shared DOMAIN.md).
 *
 * Both the department systems (mocks) and the subgraphs follow these rules, so they
 * live here, depending on nothing. Each `check*` answers with the first rule that
 * failed, worded so a caller knows what to fix.
 */

export type IdentifierCheck = { valid: true } | { valid: false; reason: string };

const VALID: IdentifierCheck = { valid: true };
const invalid = (reason: string): IdentifierCheck => ({ valid: false, reason });

// ---------------------------------------------------------------------------
// 行政区划代码 (GB/T 2260) and 12-digit statistical codes

const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

/** A six-digit division code: a real province prefix; structure only beyond that. */
export function checkDivisionCode(code: string): IdentifierCheck {
  if (!/^\d{6}$/.test(code)) return invalid(`division code must be 6 digits, got "${code}"`);
  if (!PROVINCE_PREFIXES.has(code.slice(0, 2))) {
    return invalid(`division code "${code}" does not start with a province code (GB/T 2260)`);
  }
  return VALID;
}

/**
 * A region code as used for jurisdiction and filters: 2 (province), 4 (prefecture),
 * 6 (county) digits, or a 12-digit statistical code for a town or village.
 */
export function checkRegionCode(code: string): IdentifierCheck {
  if (!/^(\d{2}|\d{4}|\d{6}|\d{12})$/.test(code)) {
    return invalid(`region code must have 2, 4, 6 or 12 digits, got "${code}"`);
  }
  if (!PROVINCE_PREFIXES.has(code.slice(0, 2))) {
    return invalid(`region code "${code}" does not start with a province code (GB/T 2260)`);
  }
  return VALID;
}

/** A 12-digit town code: county + 3-digit town (001–399) + `000`. */
export function checkTownCode(code: string): IdentifierCheck {
  if (!/^\d{12}$/.test(code)) return invalid(`town code must be 12 digits, got "${code}"`);
  const county = checkDivisionCode(code.slice(0, 6));
  if (!county.valid) return county;
  const town = Number(code.slice(6, 9));
  if (town < 1 || town > 399) return invalid(`town part "${code.slice(6, 9)}" must be 001–399`);
  if (!code.endsWith('000')) return invalid(`a town code ends in 000 (a village code does not), got "${code}"`);
  return VALID;
}

// ---------------------------------------------------------------------------
// 统一社会信用代码 (GB 32100-2015), with the GB 11714 organisation-code check inside it

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The 18th character for the first 17 characters of a USCC. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

function orgCodeCharValue(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  return c.charCodeAt(0) - 55; // A = 10 … Z = 35
}

/** The 9th character of an organisation code (GB 11714) for its first 8. */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += orgCodeCharValue(first8[i]!) * ORG_CODE_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function checkUscc(code: string): IdentifierCheck {
  if (code.length !== 18) return invalid(`统一社会信用代码 must be 18 characters, got ${code.length}`);
  for (let i = 0; i < 18; i++) {
    if (!USCC_ALPHABET.includes(code[i]!)) {
      return invalid(
        `统一社会信用代码 character ${i + 1} "${code[i]}" is not allowed (digits and A–Y without I, O, S, V, Z)`,
      );
    }
  }
  const division = checkDivisionCode(code.slice(2, 8));
  if (!division.valid) return invalid(`统一社会信用代码 characters 3–8: ${division.reason}`);
  const orgCode = code.slice(8, 17);
  if (orgCodeCheckChar(orgCode.slice(0, 8)) !== orgCode[8]) {
    return invalid(`统一社会信用代码 characters 9–17 fail the organisation-code check (GB 11714)`);
  }
  const expected = usccCheckChar(code.slice(0, 17));
  if (expected !== code[17]) {
    return invalid(`统一社会信用代码 check character is "${code[17]}", the GB 32100 check gives "${expected}"`);
  }
  return VALID;
}

// ---------------------------------------------------------------------------
// 居民身份证号 (GB 11643)

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export function checkResidentIdNumber(id: string, today: Date = new Date()): IdentifierCheck {
  if (!/^\d{17}[\dX]$/.test(id)) return invalid('居民身份证号 must be 17 digits and a check digit or X');
  const division = checkDivisionCode(id.slice(0, 6));
  if (!division.valid) return invalid(`居民身份证号 digits 1–6: ${division.reason}`);
  const birth = id.slice(6, 14);
  if (!isRealDate(birth)) return invalid(`居民身份证号 birth date "${birth}" is not a real date`);
  if (parseCompactDate(birth).getTime() > today.getTime()) {
    return invalid(`居民身份证号 birth date "${birth}" is in the future`);
  }
  if (idCardCheckChar(id.slice(0, 17)) !== id[17]) return invalid('居民身份证号 check digit does not match (GB 11643)');
  return VALID;
}

// ---------------------------------------------------------------------------
// 投资项目代码

const PROJECT_CODE = /^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$/;

/**
 * Structure only: the check character's algorithm is not public. The first segment
 * tells the layouts apart: 2016–2020 is the old YYYY layout, anything else a YYMM.
 */
export function checkProjectCode(code: string): IdentifierCheck {
  const m = PROJECT_CODE.exec(code);
  if (!m) {
    return invalid(`投资项目代码 must look like YYMM-RRRRRR-DD-TT-NNNNNN (e.g. 2409-522633-89-01-123457), got "${code}"`);
  }
  const [, first, region] = m as unknown as [string, string, string];
  const year = Number(first);
  if (!(year >= 2016 && year <= 2020)) {
    const month = Number(first.slice(2));
    if (month < 1 || month > 12) return invalid(`投资项目代码 "${first}" is neither a 2016–2020 year nor a valid YYMM`);
  }
  const division = checkDivisionCode(region);
  if (!division.valid) return invalid(`投资项目代码 region: ${division.reason}`);
  return VALID;
}

// ---------------------------------------------------------------------------
// 不动产单元号 (GB/T 37346-2019)

const UNIT_NUMBER = /^\d{12}[GJZ][A-Z]\d{5}[FLQW]\d{8}$/;

export function checkUnitNumber(code: string): IdentifierCheck {
  if (code.length !== 28) return invalid(`不动产单元号 must be 28 characters, got ${code.length}`);
  if (!UNIT_NUMBER.test(code)) {
    return invalid(
      '不动产单元号 must be division 6 + 地籍区 3 + 地籍子区 3 + G/J/Z + right type letter + 5 digits + F/L/Q/W + 8 digits',
    );
  }
  const division = checkDivisionCode(code.slice(0, 6));
  if (!division.valid) return invalid(`不动产单元号 characters 1–6: ${division.reason}`);
  return VALID;
}

/** The first 19 characters of a unit number: the parcel (宗地代码). */
export const parcelCodeOf = (unitNumber: string): string => unitNumber.slice(0, 19);

// ---------------------------------------------------------------------------
// 施工许可证编号

export function checkConstructionPermitNumber(code: string): IdentifierCheck {
  if (!/^\d{18}$/.test(code)) return invalid(`施工许可证编号 must be 18 digits, got "${code}"`);
  const division = checkDivisionCode(code.slice(0, 6));
  if (!division.valid) return invalid(`施工许可证编号 region: ${division.reason}`);
  if (!isRealDate(code.slice(6, 14))) return invalid(`施工许可证编号 date "${code.slice(6, 14)}" is not a real date`);
  const specialty = Number(code.slice(16, 18));
  if (specialty < 1 || specialty > 19) return invalid(`施工许可证编号 specialty "${code.slice(16, 18)}" must be 01–19`);
  return VALID;
}

// ---------------------------------------------------------------------------
// 电子证照标识 (GB/T 36904)

const ELICENCE_ID = /^1\.2\.156\.3005\.2\.([0-9A-Za-z]+)\.([0-9A-Z]{18})\.([0-9A-Za-z]+)\.(\d{3})\.([0-9A-Za-z])$/;

export function checkElectronicLicenceId(id: string): IdentifierCheck {
  const m = ELICENCE_ID.exec(id);
  if (!m) return invalid('电子证照标识 must be 1.2.156.3005.2.{type}.{issuer USCC}.{serial}.{version}.{check}');
  const issuer = checkUscc(m[2]!);
  if (!issuer.valid) return invalid(`电子证照标识 issuer: ${issuer.reason}`);
  return VALID;
}

// ---------------------------------------------------------------------------

export function checkMobilePhone(phone: string): IdentifierCheck {
  return /^1[3-9]\d{9}$/.test(phone) ? VALID : invalid('mobile phone must be 11 digits starting 13–19');
}

function parseCompactDate(yyyymmdd: string): Date {
  return new Date(Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8))));
}

function isRealDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const d = parseCompactDate(yyyymmdd);
  return (
    d.getUTCFullYear() === Number(yyyymmdd.slice(0, 4)) &&
    d.getUTCMonth() + 1 === Number(yyyymmdd.slice(4, 6)) &&
    d.getUTCDate() === Number(yyyymmdd.slice(6, 8))
  );
}

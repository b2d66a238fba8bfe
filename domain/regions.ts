/**
 * Jurisdiction is a prefix of the division code: 52 (province) ⊃ 5226 (prefecture) ⊃
 * 522633 (county) ⊃ 522633101000 (a town, whose villages share its first 9 digits) ⊃
 * a village. `regionPrefix` gives the prefix every code inside a region starts with.
 */
/** 从江县: the county this product serves. */
export const COUNTY_CODE = '522633';

export type RegionLevel = 'PROVINCE' | 'PREFECTURE' | 'COUNTY' | 'TOWN' | 'VILLAGE';

export function regionLevel(code: string): RegionLevel {
  if (code.length === 2) return 'PROVINCE';
  if (code.length === 4) return 'PREFECTURE';
  if (code.length === 6) return 'COUNTY';
  return code.endsWith('000') ? 'TOWN' : 'VILLAGE';
}

export function regionPrefix(code: string): string {
  return regionLevel(code) === 'TOWN' ? code.slice(0, 9) : code;
}

export const isWithin = (code: string, region: string): boolean => code.startsWith(regionPrefix(region));

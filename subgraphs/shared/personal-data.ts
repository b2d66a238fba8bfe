/**
 * Masking of personal data (PIPL minimum necessary): the default for every caller
 * until per-caller entitlement exists. ID numbers keep the first 6 and last 4
 * characters, mobiles the first 3 and last 4 digits.
 */
export function maskIdNumber(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

export function maskMobile(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

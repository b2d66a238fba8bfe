/**
 * The county's calendar day: China Standard Time (UTC+8, no daylight saving). Deadlines,
 * expiry and the audit trail's daily files all count days here, not in the server's zone.
 */
export function chinaDate(instant: Date | string | number = new Date()): string {
  return new Date(new Date(instant).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

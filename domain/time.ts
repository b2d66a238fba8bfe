/**
 * The county's calendar day: China Standard Time (UTC+8, no daylight saving). Deadlines,
 * expiry and schema release dates count days here, not in the server's zone (the
 * gateway's audit trail takes its zone from configuration, AUDIT_TIME_ZONE).
 */
export function chinaDate(instant: Date | string | number = new Date()): string {
  return new Date(new Date(instant).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

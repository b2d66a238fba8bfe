/** Today's date in China Standard Time (UTC+8, no daylight saving), as YYYY-MM-DD. */
export function todayInCounty(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

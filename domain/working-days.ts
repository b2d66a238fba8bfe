/**
 * Working-day arithmetic for statutory time limits (承诺时限, counted in 工作日):
 * weekends and public holidays are skipped, and the Saturdays or Sundays the State
 * Council names as make-up working days (调休上班) count as working days.
 */
export interface HolidayCalendar {
  /** Public holidays, YYYY-MM-DD. */
  holidays: ReadonlySet<string>;
  /** Weekend days that are working days (调休), YYYY-MM-DD. */
  makeUpWorkdays: ReadonlySet<string>;
}

export function isWorkingDay(date: string, calendar: HolidayCalendar): boolean {
  if (calendar.makeUpWorkdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The date `days` working days after `start`: the day of receipt does not count
 * (受理次日起算), so 1 working day after a Friday is the next Monday.
 */
export function addWorkingDays(start: string, days: number, calendar: HolidayCalendar): string {
  if (!Number.isInteger(days) || days < 0) throw new Error(`working days must be a whole number ≥ 0, got ${days}`);
  let date = start;
  let left = days;
  while (left > 0) {
    date = nextDay(date);
    if (isWorkingDay(date, calendar)) left--;
  }
  return date;
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

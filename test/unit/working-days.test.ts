import { addWorkingDays, isWorkingDay } from '../../domain/working-days';
import { HOLIDAYS, MAKE_UP_WORKDAYS } from '../../mocks/approval/calendar';

const calendar = { holidays: new Set(HOLIDAYS), makeUpWorkdays: new Set(MAKE_UP_WORKDAYS) };

describe('working days (工作日) for time limits', () => {
  it('skips weekends; the day of receipt does not count', () => {
    expect(addWorkingDays('2026-11-27', 1, calendar)).toBe('2026-11-30'); // Friday → Monday
    expect(addWorkingDays('2026-11-23', 5, calendar)).toBe('2026-11-30');
    expect(addWorkingDays('2026-11-27', 0, calendar)).toBe('2026-11-27');
  });

  it('skips the National Day holiday and counts its make-up Saturday', () => {
    // Tue 29 Sep + 3: Wed 30 Sep, (1–7 Oct off), Thu 8, Fri 9 Oct.
    expect(addWorkingDays('2026-09-29', 3, calendar)).toBe('2026-10-09');
    // The fourth is Saturday 10 Oct, a 调休 working day.
    expect(addWorkingDays('2026-09-29', 4, calendar)).toBe('2026-10-10');
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true);
    expect(isWorkingDay('2026-10-05', calendar)).toBe(false);
  });

  it('skips the Spring Festival and counts its make-up days', () => {
    expect(addWorkingDays('2026-02-13', 1, calendar)).toBe('2026-02-14'); // Saturday, 调休
    expect(addWorkingDays('2026-02-14', 1, calendar)).toBe('2026-02-24'); // after 15–23 Feb
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addWorkingDays('2026-01-05', -1, calendar)).toThrow(/whole number/);
    expect(() => addWorkingDays('2026-01-05', 1.5, calendar)).toThrow(/whole number/);
  });
});

/** Dates and amounts as the county reads them: China time, 万元, 平方米. */

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** 2026-11-29T02:05:00Z → 2026-11-29 10:05 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(dateTime.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export const formatDate = (date: string | null | undefined): string => date ?? '—';

/** Always `digits` decimals: 1,234.50 beside 1,234.56, never 1,234.5 (a column of money reads as one). */
export const formatAmount = (value: number, unit: string, digits = 2): string =>
  `${value.toLocaleString('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;

/**
 * Stale-if-error, told: the agreement between a subgraph that served a department's last
 * known records (because the department was down) and the gateway that passes this on to
 * the caller, and the dashboard that shows it. It travels as `extensions.stale` of a
 * GraphQL response: one entry per department, with the age of the oldest record served.
 */
export const STALE_EXTENSION = 'stale';

export interface StaleEntry {
  /** The department's id (`enterprise`, `land` …). */
  department: string;
  /** Age of the oldest stale record served, in seconds. */
  ageSeconds: number;
  records: number;
}

/** Stale records served in one response, gathered per department. */
export class StaleReport {
  private readonly byDepartment = new Map<string, StaleEntry>();

  /** One record (or `records` of them) of `department`, `ageSeconds` old. */
  record(department: string, ageSeconds: number, records = 1): void {
    const entry = this.byDepartment.get(department) ?? { department, ageSeconds: 0, records: 0 };
    entry.ageSeconds = Math.max(entry.ageSeconds, ageSeconds);
    entry.records += records;
    this.byDepartment.set(department, entry);
  }

  /** Entries another response reported (a subgraph's `extensions.stale`); anything else there is ignored. */
  add(reported: unknown): void {
    if (!Array.isArray(reported)) return;
    for (const entry of reported) {
      if (isStaleEntry(entry)) this.record(entry.department, entry.ageSeconds, entry.records);
    }
  }

  get entries(): StaleEntry[] {
    return [...this.byDepartment.values()];
  }
}

function isStaleEntry(value: unknown): value is StaleEntry {
  const entry = value as Partial<StaleEntry> | null;
  return typeof entry?.department === 'string' && typeof entry.ageSeconds === 'number' && typeof entry.records === 'number';
}

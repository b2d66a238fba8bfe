/** What a request served from stale cache, per department: goes out as `extensions.stale`. */
export interface StaleEntry {
  department: string;
  /** Age of the oldest stale record served, in seconds. */
  ageSeconds: number;
  records: number;
}

export class StaleReport {
  private readonly byDepartment = new Map<string, StaleEntry>();

  record(department: string, ageSeconds: number): void {
    const entry = this.byDepartment.get(department) ?? { department, ageSeconds: 0, records: 0 };
    entry.ageSeconds = Math.max(entry.ageSeconds, ageSeconds);
    entry.records++;
    this.byDepartment.set(department, entry);
  }

  get entries(): StaleEntry[] {
    return [...this.byDepartment.values()];
  }
}

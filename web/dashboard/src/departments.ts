/**
 * Which department's data a response lacks or serves from cache. The gateway names the
 * department in each error (`extensions.department`, code DEPARTMENT_UNAVAILABLE or
 * DEPARTMENT_ERROR; SUBGRAPH_UNAVAILABLE names the subgraph, which is the department's) and lists the departments whose last known records it served in
 * `extensions.stale`; a section of the page shows a marker for each department it draws on.
 */
import type { StaleEntry } from '../../../contracts/stale-report';

export const DEPARTMENTS = {
  construction: '住建局',
  enterprise: '市场监管局',
  land: '自然资源局',
  approval: '政务服务中心审批系统',
} as const;
export type DepartmentId = keyof typeof DEPARTMENTS;

export const departmentName = (id: string): string => (DEPARTMENTS as Record<string, string>)[id] ?? id;

export type ResponsePath = readonly (string | number)[];

export interface ResponseError {
  message: string;
  path?: ResponsePath;
  extensions?: { code?: string; department?: string; reason?: string; [key: string]: unknown };
}

/** One entry of the response's `extensions.stale` (contracts/stale-report.ts). */
export type StaleReport = StaleEntry;

export interface Unavailable {
  /** DEPARTMENT_UNAVAILABLE: no answer or 5xx; DEPARTMENT_ERROR: an answer nobody could read. */
  code: 'DEPARTMENT_UNAVAILABLE' | 'DEPARTMENT_ERROR';
  /** How it failed, as the gateway says it (`no answer within 2000 ms`, `circuit open` …). */
  reason: string | null;
  /** Where in the response its fields are missing. */
  paths: ResponsePath[];
}

/** A department can be both: some records served from cache, others missing altogether. */
export interface DepartmentHealth {
  unavailable: Unavailable | null;
  stale: StaleReport | null;
}

export interface ResponseHealth {
  departments: Record<string, DepartmentHealth>;
  /** Errors that name no department (a refused scope, a bad argument …). */
  other: ResponseError[];
}

const DEPARTMENT_CODES = new Set(['DEPARTMENT_UNAVAILABLE', 'DEPARTMENT_ERROR']);

export function responseHealth(errors: readonly ResponseError[] | undefined, stale: readonly StaleReport[] | undefined): ResponseHealth {
  const departments: Record<string, DepartmentHealth> = {};
  const entry = (id: string) => (departments[id] ??= { unavailable: null, stale: null });
  const other: ResponseError[] = [];
  for (const error of errors ?? []) {
    let code = error.extensions?.code;
    let department = error.extensions?.department;
    // Each of our departments is served by the subgraph of the same name: a subgraph out of reach is its department's data missing.
    if (code === 'SUBGRAPH_UNAVAILABLE' && typeof error.extensions?.subgraph === 'string' && error.extensions.subgraph in DEPARTMENTS) {
      code = 'DEPARTMENT_UNAVAILABLE';
      department = error.extensions.subgraph;
    }
    if (!department || !code || !DEPARTMENT_CODES.has(code)) {
      other.push(error);
      continue;
    }
    const health = entry(department);
    // Unreadable answers are the more specific news: a department to report to, not to wait for.
    const unavailable = (health.unavailable ??= { code: code as Unavailable['code'], reason: null, paths: [] });
    if (code === 'DEPARTMENT_ERROR') unavailable.code = code;
    unavailable.reason ??= typeof error.extensions?.reason === 'string' ? error.extensions.reason : null;
    if (error.path) unavailable.paths.push(error.path);
  }
  for (const report of stale ?? []) entry(report.department).stale = report;
  return { departments, other };
}

/** The health of one department, `ok` when the response says nothing about it. */
export function healthOf(health: ResponseHealth, department: string): DepartmentHealth {
  return health.departments[department] ?? { unavailable: null, stale: null };
}

/** True when a department's failure nulled the field at `path`, a field inside it, or one around it. */
export function missingAt(health: ResponseHealth, department: string, path: ResponsePath): boolean {
  const paths = health.departments[department]?.unavailable?.paths ?? [];
  const prefix = (a: ResponsePath, b: ResponsePath) => a.length <= b.length && a.every((segment, i) => b[i] === segment);
  return paths.some((p) => prefix(path, p) || prefix(p, path));
}

/** 3605 → "1 小时"; the age of cached data as a reviewer reads it. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} 秒`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} 分钟`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} 小时`;
  return `${Math.floor(seconds / 86_400)} 天`;
}

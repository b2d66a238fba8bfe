/**
 * 导出 The project list as a CSV file: every row matching the filters, not only the page on
 * screen, fetched page by page through the same GraphQL lists (so jurisdiction, masking and
 * the audit apply to an export as to any other read). Pure, so the tests build the same file.
 *
 * CSV, not xlsx: UTF-8 with a BOM opens in Excel and WPS with the Chinese intact, and needs
 * no library. The npm `xlsx` (SheetJS) package stopped at 0.18.5 with known advisories
 * (newer versions only from the vendor's CDN), and exceljs would add about a megabyte to a
 * page the clerks load all day.
 */
import { chinaDate } from '../../../domain/time';
import { JOINT_STATUS_NAMES, STAGE_NAMES, label, REGISTRATION_STATUS_NAMES } from './labels';
import { listRequestOf, pageOf, UNAPPLIED, type ListFilters, type ListKind, type ListPage, type Row } from './list-filters';

/** At most this many rows in one file: beyond it the filters are too wide to be a working list, and the export would be a bulk copy. */
export const EXPORT_MAX_ROWS = 2000;
/** Rows per request while exporting (the API's largest page). */
export const EXPORT_PAGE_SIZE = 100;

/** An export that will not be made, with the reason in Chinese for the clerk. */
export class ExportRefused extends Error {
  constructor(
    message: string,
    /** What went wrong in the API's words, for the 详情 toggle. */
    readonly detail: string | null = null,
  ) {
    super(message);
  }
}

/** One page of a list: `kind`'s answer for these variables (errors included). */
export type FetchPage = (kind: ListKind, variables: Record<string, unknown>) => Promise<{ data: Record<string, unknown> | null; errors: { message: string; extensions?: Record<string, unknown> }[] }>;

/** Every row of the filtered list, refused before fetching more than the first page when there are too many. */
export async function collectRows(filters: ListFilters, fetchPage: FetchPage, options: { max?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<{ total: number; rows: Row[] }> {
  const max = options.max ?? EXPORT_MAX_ROWS;
  const rows: Row[] = [];
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const { kind, variables } = listRequestOf(filters, EXPORT_PAGE_SIZE, after);
    const answer = await fetchPage(kind, variables);
    // A file with holes would be read as complete: a department missing stops the export.
    if (answer.errors.length > 0) {
      throw new ExportRefused('导出中止：部分部门的数据暂不可用，导出的文件会缺少数据。请稍后重试。', answer.errors.map((e) => `${String(e.extensions?.code ?? '')} ${e.message}`).join('\n'));
    }
    const page: ListPage | null = pageOf(kind, answer.data);
    if (!page) throw new ExportRefused('导出中止：列表数据暂不可用，请稍后重试。');
    total = page.total;
    if (total > max) throw new ExportRefused(`符合条件的共 ${total} 条，超过单次导出上限 ${max} 条。请先按阶段、乡镇、联审状态或搜索缩小范围后再导出。`);
    rows.push(...page.rows);
    options.onProgress?.(rows.length, total);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  return { total, rows };
}

export const CSV_HEADER = ['项目代码', '项目名称', '阶段', '乡镇', '建设单位', '建设单位统一社会信用代码', '总投资（万元）', '申请编号', '联审状态', '办结期限', '是否逾期'];

/**
 * The file's text: a BOM (so Excel reads UTF-8), CRLF lines, every cell quoted when it
 * must be, and a cell that a spreadsheet would run as a formula (=, +, -, @) made text:
 * names come from department records, which this county does not control.
 */
export function csvOf(rows: Row[], townName: (code: string) => string): string {
  const lines = [CSV_HEADER, ...rows.map((row) => csvRow(row, townName))];
  return `\uFEFF${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

function csvRow({ project, application, approvalKnown }: Row, townName: (code: string) => string): string[] {
  const applicant = project?.applicant;
  const status = !approvalKnown ? '（审批系统数据暂不可用）' : application ? JOINT_STATUS_NAMES[application.jointStatus] : '未申报';
  const registration = applicant && applicant.status !== 'SUBSISTING' && applicant.status !== 'IN_BUSINESS' ? `（${label(REGISTRATION_STATUS_NAMES, applicant.status)}）` : '';
  return [
    project?.code ?? '（住建局数据暂不可用）',
    project?.name ?? '',
    project ? STAGE_NAMES[application?.stage ?? project.stage] : application ? STAGE_NAMES[application.stage] : '',
    project ? townName(project.townCode) : '',
    applicant ? `${applicant.name}${registration}` : project ? '（市场监管局数据暂不可用）' : '',
    applicant?.uscc ?? '',
    project ? String(project.totalInvestment) : '',
    application?.id ?? '',
    status,
    application?.deadline ?? '',
    application ? (application.overdue ? '逾期' : '否') : '',
  ];
}

function csvCell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** 联审项目_施工许可_审查中_丙妹镇_搜索-从江_2026-12-02.csv: what was filtered, readable in a folder, and the day (China time). */
export function exportFileName(filters: ListFilters, townName: (code: string) => string, now: Date = new Date()): string {
  const parts = ['联审项目'];
  if (filters.stage) parts.push(STAGE_NAMES[filters.stage]);
  if (filters.status) parts.push(filters.status === UNAPPLIED ? '未申报' : JOINT_STATUS_NAMES[filters.status]);
  if (filters.town) parts.push(townName(filters.town));
  if (filters.search) parts.push(`搜索-${filters.search}`);
  if (filters.order === 'DEADLINE') parts.push('按办结期限');
  if (filters.order === 'OVERDUE_FIRST') parts.push('逾期优先');
  parts.push(chinaDate(now));
  // Characters no file system takes, and spaces, become _.
  return `${parts.join('_').replace(/[\\/:*?"<>|\s]+/g, '_')}.csv`;
}

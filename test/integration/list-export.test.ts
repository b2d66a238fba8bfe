/**
 * 导出 CSV (issue 13): the dashboard's export module, driven over real HTTP exactly as the
 * page drives it — every row of the filtered list, page by page through the gateway (so
 * jurisdiction and the audit apply), bounded, and named for its filters.
 */
import { STAGE_NAMES } from '../../domain/stages';
import { JOINT_STATUS_NAMES } from '../../domain/statuses';
import { chinaDate } from '../../domain/time';
import { collectRows, CSV_HEADER, csvOf, exportFileName, ExportRefused, type FetchPage } from '../../web/dashboard/src/list-export';
import { filtersOf, LIST_FIELDS, type ListKind } from '../../web/dashboard/src/list-filters';
import { dashboardOperation, staffHeaders } from '../helpers/dashboard-operations';
import { startTestStack, type TestStack } from '../helpers/stack';

const OPERATIONS: Record<ListKind, string> = {
  projects: dashboardOperation('DashboardProjectList'),
  applications: dashboardOperation('DashboardApplicationList'),
  unapplied: dashboardOperation('DashboardUnappliedList'),
};
const BINGMEI = '522633100000';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

const fetchAs =
  (headers?: Record<string, string>): FetchPage =>
  async (kind, variables) => {
    const answer = headers ? await stack.queryWith(headers, OPERATIONS[kind], variables) : await stack.query(OPERATIONS[kind], variables);
    return { data: answer.data ?? null, errors: answer.errors ?? [] };
  };
const towns = new Map<string, string>();
const townName = (code: string) => towns.get(code) ?? code;

/** The CSV's data lines, split into cells (none of the seeded values holds a comma or quote). */
const linesOf = (csv: string) => csv.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).slice(1).map((line) => line.split(','));

beforeAll(async () => {
  const { data } = await stack.query(`{ region(code: "522633") { children { code name } } }`);
  for (const t of data.region.children) towns.set(t.code, t.name);
});

describe('export of the project list', () => {
  it('has every row of the list, not one page: as many lines as the list’s totalCount', async () => {
    for (const query of ['', 'stage=CONSTRUCTION_PERMIT', `status=IN_REVIEW&town=${BINGMEI}`, 'status=NONE', 'sort=OVERDUE_FIRST', 'q=从江']) {
      const filters = filtersOf(new URLSearchParams(query));
      const { total, rows } = await collectRows(filters, fetchAs());
      const csv = csvOf(rows, townName);
      const lines = linesOf(csv);
      const kind: ListKind = filters.status === 'NONE' ? 'unapplied' : filters.status || filters.order ? 'applications' : 'projects';
      const listed = await stack.query(OPERATIONS[kind], { first: 1, stage: filters.stage || null, townCode: filters.town || null, jointStatus: filters.status && filters.status !== 'NONE' ? filters.status : null, search: filters.search || null });
      expect({ query, lines: lines.length }).toEqual({ query, lines: listed.data[LIST_FIELDS[kind]].totalCount });
      expect(rows).toHaveLength(total);
      for (const cells of lines) expect(cells).toHaveLength(CSV_HEADER.length);
      expect(new Set(lines.map((cells) => `${cells[0]}/${cells[7]}`)).size).toBe(lines.length);
    }
  });

  it('is UTF-8 with a BOM, a Chinese header, and each row’s values as the list shows them', async () => {
    const filters = filtersOf(new URLSearchParams(`stage=CONSTRUCTION_PERMIT&town=${BINGMEI}`));
    const { rows } = await collectRows(filters, fetchAs());
    const csv = csvOf(rows, townName);
    expect(csv.startsWith('\uFEFF项目代码,项目名称,阶段,乡镇,建设单位,')).toBe(true);
    const first = rows[0]!;
    const [cells] = linesOf(csv);
    expect(cells!.slice(0, 4)).toEqual([first.project!.code, first.project!.name, STAGE_NAMES.CONSTRUCTION_PERMIT, '丙妹镇']);
    expect(cells![5]).toBe(first.project!.applicant!.uscc);
    expect(cells![8]).toBe(first.application ? JOINT_STATUS_NAMES[first.application.jointStatus] : '未申报');
  });

  it('is named for its filters and the day', () => {
    const filters = filtersOf(new URLSearchParams(`stage=CONSTRUCTION_PERMIT&status=IN_REVIEW&town=${BINGMEI}`));
    expect(exportFileName(filters, townName, new Date('2026-12-02T03:00:00Z'))).toBe('联审项目_施工许可_审查中_丙妹镇_2026-12-02.csv');
    // China's day, not UTC's: 17:00 UTC is already the next day in 从江.
    expect(exportFileName(filtersOf(new URLSearchParams('status=NONE&q=从江 县')), townName, new Date('2026-12-02T17:00:00Z'))).toBe('联审项目_未申报_搜索-从江_县_2026-12-03.csv');
    expect(exportFileName(filtersOf(new URLSearchParams('')), townName)).toBe(`联审项目_${chinaDate()}.csv`);
  });

  it('refuses a list over the maximum after its first page, in Chinese', async () => {
    let pages = 0;
    const counting: FetchPage = (kind, variables) => {
      pages++;
      return fetchAs()(kind, variables);
    };
    const refusal = await collectRows(filtersOf(new URLSearchParams('')), counting, { max: 150 }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ExportRefused);
    expect((refusal as ExportRefused).message).toMatch(/超过单次导出上限 150 条/);
    expect(pages).toBe(1);
  });

  it('stops, rather than write a file with holes, when a department is down', async () => {
    await stack.resetCounts();
    stack.departments.enterprise.faults.down = true;
    try {
      const refusal = await collectRows(filtersOf(new URLSearchParams(`town=${BINGMEI}`)), fetchAs()).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ExportRefused);
      expect((refusal as ExportRefused).detail).toContain('DEPARTMENT_UNAVAILABLE');
    } finally {
      stack.departments.enterprise.faults.down = false;
    }
  });

  it('exports a town user’s own town only', async () => {
    const town = await staffHeaders(stack, 'bingmei-clerk');
    const { rows } = await collectRows(filtersOf(new URLSearchParams('')), fetchAs(town));
    const countyWide = await collectRows(filtersOf(new URLSearchParams(`town=${BINGMEI}`)), fetchAs());
    expect(rows.map((r) => r.project!.code)).toEqual(countyWide.rows.map((r) => r.project!.code));
    expect(new Set(rows.map((r) => r.project!.townCode))).toEqual(new Set([BINGMEI]));
  });
});

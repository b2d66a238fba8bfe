/**
 * 从江县政务服务工作人员 The county's staff as the unified identity service (统一身份认证)
 * knows them: who signs in to the dashboard, what they may do, and the name a person
 * reads where an account id would otherwise show (reviewers as 姓名（部门）).
 *
 * One roster for the embedded identity provider (its accounts and their claims) and for
 * the mock approval system (who decided the seeded tasks), so a name on a seeded task is
 * a person who can also sign in.
 */
import { COUNTY_CODE } from './regions';

export type StaffRole =
  /** 综合窗口 Takes in combined applications and hands back corrections. */
  | 'clerk'
  /** 审查人员 Reviews one department's tasks. */
  | 'reviewer'
  /** 乡镇工作人员 Sees and takes in applications of one town only. */
  | 'town'
  /** 县级管理员 Every scope, the whole county. */
  | 'admin';

export interface StaffMember {
  /** Login name and token subject, e.g. `zjj-reviewer-1`. */
  id: string;
  /** 姓名 */
  name: string;
  /** 部门 as staff say it. */
  department: string;
  /** The approval system's department code a reviewer decides for (`approval:review:<code>`). */
  departmentCode: string | null;
  role: StaffRole;
  /** Division code of the jurisdiction: the county, or one town. */
  region: string;
  scopes: readonly string[];
}

const READ = ['enterprise:read', 'land:read', 'construction:read', 'approval:read'];

/** The reviewing departments of the joint review (STAGE_LANES in the approval system). */
export const REVIEWING_DEPARTMENTS = [
  { code: 'zrzy', name: '从江县自然资源局', reviewers: ['杨光荣', '石秀英', '龙建国'] },
  { code: 'fgj', name: '从江县发展和改革局', reviewers: ['潘志强', '陆金花', '王海波'] },
  { code: 'rfb', name: '从江县人民防空办公室', reviewers: ['李春燕', '张国平', '刘德才'] },
  { code: 'zjj', name: '从江县住房和城乡建设局', reviewers: ['陈顺福', '贾红梅', '梁文杰'] },
  { code: 'zjj-xf', name: '从江县住房和城乡建设局（消防审查）', reviewers: ['韦玉兰', '蒙昌盛', '莫家林'] },
  { code: 'da', name: '从江县档案馆', reviewers: ['欧小燕', '胡正华', '周学军'] },
] as const;

/** `zjj-reviewer-2`: the seeded tasks' reviewers are these ids. */
export const reviewerId = (departmentCode: string, n: number) => `${departmentCode}-reviewer-${n}`;

const TOWN_STAFF = [
  { id: 'bingmei-clerk', name: '罗桂芳', town: '100', townName: '丙妹镇' },
  { id: 'guandong-clerk', name: '吴德胜', town: '101', townName: '贯洞镇' },
  { id: 'xiajiang-clerk', name: '杨秀兰', town: '103', townName: '下江镇' },
] as const;

export const STAFF: readonly StaffMember[] = [
  {
    id: 'window-clerk',
    name: '吴晓燕',
    department: '从江县政务服务中心（综合窗口）',
    departmentCode: null,
    role: 'clerk',
    region: COUNTY_CODE,
    scopes: [...READ, 'approval:submit', 'pii:read'],
  },
  ...REVIEWING_DEPARTMENTS.flatMap((d) =>
    d.reviewers.map((name, i) => ({
      id: reviewerId(d.code, i + 1),
      name,
      department: d.name,
      departmentCode: d.code,
      role: 'reviewer' as const,
      region: COUNTY_CODE,
      scopes: [...READ, `approval:review:${d.code}`],
    })),
  ),
  ...TOWN_STAFF.map((t) => ({
    id: t.id,
    name: t.name,
    department: `从江县${t.townName}便民服务中心`,
    departmentCode: null,
    role: 'town' as const,
    region: `${COUNTY_CODE}${t.town}000`,
    scopes: [...READ, 'approval:submit'],
  })),
  {
    id: 'county-admin',
    name: '龙正华',
    department: '从江县政务服务中心',
    departmentCode: null,
    role: 'admin',
    region: COUNTY_CODE,
    scopes: [...READ, 'approval:submit', 'pii:read', ...REVIEWING_DEPARTMENTS.map((d) => `approval:review:${d.code}`)],
  },
];

const byId = new Map(STAFF.map((s) => [s.id, s]));

export const staffMember = (id: string): StaffMember | undefined => byId.get(id);

/** 姓名（部门）, or the id itself for an account the roster does not know. */
export const staffLabel = (id: string): string => {
  const member = byId.get(id);
  return member ? `${member.name}（${member.department}）` : id;
};

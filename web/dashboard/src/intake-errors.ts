/**
 * What the window clerk reads when the gateway refuses or fails, in Chinese, by error code
 * (lib/errors.ts) and, where it tells more, the argument or reason. A local table for the
 * intake page: the project page's helper is building the dashboard-wide one, and the two
 * are to be merged into it.
 */
import { departmentName } from './departments';

export interface ApiError {
  message: string;
  extensions?: { code?: unknown; argument?: unknown; reason?: unknown; department?: unknown; subgraph?: unknown } & Record<string, unknown>;
}

const CONFLICT_REASONS: Record<string, string> = {
  APPLICATION_OPEN: '该项目在此阶段已有正在审查的申请，无需重复申报。请到项目页查看该申请的办理进度。',
  IDEMPOTENCY_KEY_REUSED: '这张受理单已经提交过另一件申请。请点击“受理下一件”重新填写。',
  APPLICATION_CLOSED: '该申请已办结或已不予许可，不能再受理。如需重新申报，请受理新的申请。',
};

const ARGUMENTS: Record<string, string> = {
  'input.project': '审批系统的项目库中没有这个投资项目代码（或项目不在您的辖区内）。请核对项目代码，或先在投资项目在线审批监管平台赋码。',
  'input.idempotencyKey': '受理单编号无效。请刷新页面后重新填写。',
  answers: '情形问答不完整或不符合该事项。请逐题作答后重试。',
  itemCode: '事项目录中没有这个事项。请重新选择事项。',
  applicant: '建设单位的统一社会信用代码无效。请核对项目的建设单位。',
  project: '投资项目代码格式有误。请核对后重试。',
  search: '搜索内容须为 2–50 个字符（项目代码、项目名称、建设单位名称或统一社会信用代码的一部分）。',
};

export function chineseMessageOf(error: ApiError): string {
  const code = String(error.extensions?.code ?? '');
  switch (code) {
    case 'BAD_USER_INPUT':
      return ARGUMENTS[String(error.extensions?.argument ?? '')] ?? '输入有误，请核对后重试。';
    case 'CONFLICT':
      return CONFLICT_REASONS[String(error.extensions?.reason ?? '')] ?? '申请与当前办理状态冲突，未作任何更改。请到项目页查看最新状态。';
    case 'FORBIDDEN':
      return '您没有此项操作的权限（综合窗口受理须有 approval:submit 权限，且项目在您的辖区内）。请联系系统管理员。';
    case 'UNAUTHENTICATED':
      return '登录已失效，请重新登录后再办理。';
    case 'DEPARTMENT_UNAVAILABLE':
    case 'DEPARTMENT_ERROR':
      return `${departmentName(String(error.extensions?.department ?? ''))}暂不可用，相关信息无法取得。请稍后重试。`;
    case 'SUBGRAPH_UNAVAILABLE':
      return `${departmentName(String(error.extensions?.subgraph ?? ''))}的数据服务暂不可用。请稍后重试。`;
    case 'TOO_MANY_REQUESTS':
      return '请求过于频繁，请稍等一分钟后重试。';
    default:
      return '办理失败，请稍后重试；如仍失败，请把“详情”中的内容告知系统管理员。';
  }
}

/** The API's own words, for the 详情 toggle. */
export const detailOf = (errors: readonly ApiError[]): string => errors.map((e) => `${String(e.extensions?.code ?? 'ERROR')}: ${e.message}`).join('\n');

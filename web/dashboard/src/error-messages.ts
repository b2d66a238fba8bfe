/**
 * What staff read when something fails: every `extensions.code` the gateway and the
 * subgraphs emit (lib/errors.ts's registry, Apollo Server's own, the HTTP refusals), each
 * said in Chinese with what to do next. The code and the gateway's English reason are
 * kept for the 详情 (details) toggle only, for whoever reports the problem.
 */
import type { ResponseError } from './departments';
import { departmentName } from './departments';
import { REVIEW_STATUS_NAMES, label } from './labels';

export interface ErrorText {
  /** What happened and what to do, in Chinese. */
  message: string;
  /** Whether asking again may help (a department down, too many requests …), so a 重试 button is offered. */
  retryable: boolean;
  /** Code, reason and the gateway's own words, shown behind 详情. */
  detail: string;
}

/** What the page was doing, where a message depends on it (the decision a reviewer took). */
export interface ErrorContext {
  /** 受理, 通过 … as the button said it. */
  action?: string;
}

type Described = Omit<ErrorText, 'detail'>;
type Describe = (error: ResponseError, context: ErrorContext) => Described;

const say = (message: string, retryable = false): Describe => () => ({ message, retryable });

const departmentOf = (error: ResponseError): string => {
  const id = error.extensions?.department ?? error.extensions?.subgraph;
  return typeof id === 'string' ? departmentName(id) : '相关部门';
};

/** The reason a department is missing, said the way a reviewer understands it. */
function unavailable(error: ResponseError): Described {
  const reason = typeof error.extensions?.reason === 'string' ? error.extensions.reason : '';
  const name = departmentOf(error);
  const why = /circuit open/.test(reason)
    ? '连续多次未响应，系统暂停向其请求片刻'
    : /no answer within|timeout|timed out/i.test(reason)
      ? '未在规定时间内响应'
      : /bulkhead|too many/i.test(reason)
        ? '当前请求过多'
        : '暂时无法连接';
  return { message: `${name}数据暂不可用（${why}），其他部门的数据照常显示。请稍后点击「重试」。`, retryable: true };
}

/** BAD_USER_INPUT by the argument it names: the one field a person can fix. */
const BAD_INPUT: Record<string, string> = {
  code: '投资项目代码格式不正确：应形如 2409-522633-89-01-123457。请检查链接或输入的项目代码。',
  project: '投资项目代码格式不正确或未在审批系统登记。请核对项目代码。',
  'input.project': '投资项目代码格式不正确或未在审批系统登记。请核对项目代码。',
  townCode: '所选乡镇不正确。请重新选择乡镇。',
  regionCode: '所选区域不正确。请重新选择区域。',
  after: '分页位置已失效。请回到第一页重新翻页。',
  first: '每页条数超出范围。请刷新页面。',
  taskId: '找不到该审查任务：它可能不在您的辖区内，或已被撤销。请刷新页面查看最新情况。',
  applicationId: '找不到该联审申请：它可能不在您的辖区内，或已被撤销。请刷新页面查看最新情况。',
  corrections: '退回补正须至少选择一项需要补正的材料。请勾选材料后再确认。',
  opinion: '请填写理由（审查意见）后再确认。',
  'input.idempotencyKey': '受理单编号无效。请刷新页面后重新填写。',
  answers: '情形问答不完整或不符合该事项。请逐题作答后重试。',
  itemCode: '事项目录中没有这个事项。请重新选择事项。',
  applicant: '建设单位的统一社会信用代码无效。请核对项目的建设单位。',
  search: '搜索内容须为 2–50 个字符（项目代码、项目名称、建设单位名称或统一社会信用代码的一部分）。',
  body: '留言内容不能为空，且不超过 2000 字。较长的内容请作为附件发送。',
  attachments: '附件最多 5 个；每个附件须有名称（不超过 100 字），链接须为 http 或 https 地址。',
  material: '所选材料不在本部门对该申请的材料清单中。请从审查任务的材料清单中选择。',
};

/** CONFLICT by its reason: the state the request ran into, and nothing was changed. */
const CONFLICTS: Record<string, Describe> = {
  TRANSITION_REFUSED: (error, { action }) => {
    const status = typeof error.extensions?.taskStatus === 'string' ? label(REVIEW_STATUS_NAMES, error.extensions.taskStatus) : null;
    const what = action ? `不能再${action}` : '不能作此决定';
    return {
      message: status ? `该任务当前为「${status}」，${what}（可能其他审查人已办理）。未作任何更改，页面已显示最新状态。` : `该任务当前的状态${what}。未作任何更改，请刷新页面查看最新状态。`,
      retryable: false,
    };
  },
  APPLICATION_CLOSED: say('该联审申请已有部门作出「不予许可」或已全部办结，不再接受审查决定、补正材料或留言。未作任何更改；如需继续，须由申请人重新申报。'),
  NOTHING_TO_RESUBMIT: say('该申请没有部门要求补正，无需提交补正材料。未作任何更改。'),
  CORRECTIONS_MISSING: say('还有部门要求补正的材料未勾选。请勾选全部要求补正的材料后再提交。未作任何更改。'),
  IDEMPOTENCY_KEY_REUSED: say('这张受理单已经提交过另一件申请。请点击“受理下一件”或刷新页面后重新填写。'),
  APPLICATION_OPEN: say('该项目在此阶段已有一份正在审查的联审申请，无需重复申报。请到项目页查看该申请的办理进度。'),
};

/** Every code the gateway and the subgraphs emit (lib/errors.ts ERROR_CODES), and Apollo Server's own. */
const BY_CODE: Record<string, Describe> = {
  UNAUTHENTICATED: say('登录已失效或未登录。请重新登录后再试。'),
  FORBIDDEN: say('您没有查看或办理此项的权限（可能不属于您的部门或辖区）。如确需办理，请联系管理员开通权限。'),
  BAD_USER_INPUT: (error) => {
    const argument = typeof error.extensions?.argument === 'string' ? error.extensions.argument : '';
    return { message: BAD_INPUT[argument] ?? '输入的内容不符合要求。请检查后重新输入。', retryable: false };
  },
  BAD_REQUEST: say('数据网关无法处理这个请求（请求格式有误或过大）。请刷新页面后重试；如仍出现，请联系系统管理员。'),
  CONFLICT: (error, context) => {
    const reason = typeof error.extensions?.reason === 'string' ? error.extensions.reason : '';
    return CONFLICTS[reason]?.(error, context) ?? { message: '该操作与当前状态冲突，未作任何更改。请刷新页面查看最新状态。', retryable: false };
  },
  DEPARTMENT_UNAVAILABLE: unavailable,
  SUBGRAPH_UNAVAILABLE: unavailable,
  DEPARTMENT_ERROR: (error) => ({
    message: `${departmentOf(error)}返回的数据无法识别，已暂不显示。请将「详情」中的信息报告给系统管理员。`,
    retryable: true,
  }),
  TOO_MANY_REQUESTS: say('请求过于频繁，请稍等一分钟后点击「重试」。', true),
  RESPONSE_TOO_LARGE: say('一次请求的数据量过大。请缩小筛选范围后重试。'),
  NOT_READY: say('数据网关正在启动或升级，请稍后点击「重试」。', true),
  IDENTITY_PROVIDER_UNAVAILABLE: say('统一身份认证服务暂时无法核验您的登录，请稍后点击「重试」。', true),
  NOT_BUILT: say('工作台页面尚未构建完成。请联系系统管理员。'),
  INTERNAL_SERVER_ERROR: say('系统内部出错。请稍后重试；如仍出现，请将「详情」中的信息告知系统管理员。', true),
  // Apollo Server's own codes: the page and the gateway disagree about the API.
  GRAPHQL_PARSE_FAILED: say('页面版本与数据网关不一致。请刷新页面（Ctrl+F5）；如仍出现，请联系系统管理员。'),
  GRAPHQL_VALIDATION_FAILED: say('页面版本与数据网关不一致。请刷新页面（Ctrl+F5）；如仍出现，请联系系统管理员。'),
  OPERATION_RESOLUTION_FAILURE: say('页面版本与数据网关不一致。请刷新页面（Ctrl+F5）；如仍出现，请联系系统管理员。'),
  PERSISTED_QUERY_NOT_FOUND: say('查询缓存已失效。请点击「重试」。', true),
  PERSISTED_QUERY_NOT_SUPPORTED: say('数据网关不支持此查询方式。请刷新页面；如仍出现，请联系系统管理员。'),
  // Said by this page, not the gateway: nothing came back at all.
  NETWORK_ERROR: say('无法连接数据网关。请检查网络连接后点击「重试」。', true),
  HTTP_ERROR: say('数据网关拒绝了请求。请稍后重试；如仍出现，请将「详情」中的信息告知系统管理员。', true),
};

/** The codes this page says something of its own for; a test holds it to lib/errors.ts's registry. */
export const CODES_SAID = Object.keys(BY_CODE);

const UNKNOWN: Described = { message: '出现未知错误。请重试；如仍出现，请将「详情」中的信息告知系统管理员。', retryable: true };

/** The Chinese message for one error of a response, with its code and English reason kept for 详情. */
export function describeError(error: ResponseError, context: ErrorContext = {}): ErrorText {
  const code = error.extensions?.code ?? 'UNKNOWN';
  const described = BY_CODE[code]?.(error, context) ?? UNKNOWN;
  const reason = typeof error.extensions?.reason === 'string' && !error.message.includes(error.extensions.reason) ? ` (${error.extensions.reason})` : '';
  return { ...described, detail: `${code}: ${error.message}${reason}` };
}

/** A request that failed as a whole (no GraphQL answer): the code this page gives it, and what it saw. */
export function describeFailure(code: string, detail: string): ErrorText {
  return describeError({ message: detail, extensions: { code } });
}

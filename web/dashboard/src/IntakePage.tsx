import { useEffect, useState, type FormEvent } from 'react';
import { formatDate, formatDateTime } from './format';
import { graphqlRequest } from './graphql';
import type { ResponseError } from './departments';
import { describeError } from './error-messages';
import { CHECKLIST_STATUS_NAMES, DOCUMENT_TYPE_NAMES, FORM_NAMES, NECESSITY_NAMES } from './intake-labels';
import { JOINT_STATUS_NAMES, label, REVIEW_STATUS_NAMES, STAGE_NAMES, type JointStatus, type ProjectStage } from './labels';
import { normalizeSearch, searchProblem } from './list-filters';
import { followLink, navigate, projectHref, BASE } from './router';
import { useGraphQL, useSession, type Loaded } from './use-graphql';
import CHECKLIST from './operations/IntakeChecklist.graphql?raw';
import PROJECT_SEARCH from './operations/IntakeProjectSearch.graphql?raw';
import SERVICE_ITEMS from './operations/IntakeServiceItems.graphql?raw';
import SUBMIT from './operations/IntakeSubmit.graphql?raw';

interface ProjectOption {
  code: string;
  name: string;
  stage: ProjectStage;
  townCode: string;
  applicant: { uscc: string; name: string } | null;
  applications: { id: string; stage: ProjectStage; jointStatus: JointStatus }[] | null;
}
interface ServiceItem {
  code: string;
  name: string;
  department: string;
  promisedDays: number;
  leadsStage: boolean;
  questions: { id: string; text: string; options: { value: string; label: string }[] }[];
}
interface ChecklistEntry {
  id: string;
  material: { id: string; name: string; necessity: string; form: string; counterHandling: string; originals: number; copies: number };
  status: 'SHARED' | 'REQUIRED' | 'BLOCKED' | null;
  reason: string | null;
  sharedFrom: { department: string; documentType: string; documentNumber: string | null; issuedOn: string | null; verified: boolean | null } | null;
}
interface ChecklistData {
  serviceGuide: { case: { code: string; name: string; conditions: string[]; promisedDays: number; notice: string | null } } | null;
  materialChecklist: ChecklistEntry[] | null;
}
interface SubmittedApplication {
  id: string;
  stage: ProjectStage;
  submittedAt: string;
  jointStatus: JointStatus;
  deadline: string;
  project: { code: string; name: string } | null;
  tasks: { id: string; department: string; lead: boolean; status: string; deadline: string }[];
}

type Submission =
  | { state: 'idle' }
  | { state: 'sending' }
  | { state: 'done'; application: SubmittedApplication }
  | { state: 'failed'; message: string; detail: string };

/**
 * One key per受理单 (intake form): the approval system makes one application per key, so a
 * double click, a retry after a lost answer, or a second tab's resend is the same
 * application. Random from crypto.getRandomValues, which (unlike randomUUID) browsers
 * also give pages served over plain http on the county's intranet.
 */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `intake-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** 综合窗口受理（一站办结）: project, stage and item, the case questions, the pre-filled checklist, one combined application. */
export function IntakePage({ search }: { search: URLSearchParams }) {
  const [project, setProject] = useState<ProjectOption | null>(null);
  const [stage, setStage] = useState<ProjectStage | ''>('');
  const [itemCode, setItemCode] = useState('');
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [key, setKey] = useState(newIdempotencyKey);
  const [submission, setSubmission] = useState<Submission>({ state: 'idle' });

  // Another project or stage is another application: it must not reuse this form's key.
  useEffect(() => {
    setKey(newIdempotencyKey());
    setSubmission({ state: 'idle' });
  }, [project?.code, stage]);

  const items = useGraphQL<{ serviceItems: ServiceItem[] }>(SERVICE_ITEMS, stage ? { stage } : null);
  const stageItems = items.state === 'done' ? (items.result.data?.serviceItems ?? []) : [];
  const item = stageItems.find((i) => i.code === itemCode) ?? null;
  const complete = item !== null && item.questions.every((q) => answers[q.id]);
  const checklist = useGraphQL<ChecklistData>(
    CHECKLIST,
    project && item && complete
      ? { itemCode: item.code, answers: item.questions.map((q) => ({ question: q.id, value: answers[q.id]! })), applicant: project.applicant?.uscc ?? null, project: project.code }
      : null,
  );

  const choose = (next: ProjectOption | null) => {
    setProject(next);
    setStage(next?.stage ?? '');
    setItemCode('');
    setAnswers({});
  };
  const restart = () => {
    choose(null);
    setKey(newIdempotencyKey());
    setSubmission({ state: 'idle' });
    navigate(`${BASE}intake`, { replace: true });
  };

  return (
    <div className="intake">
      <h1 tabIndex={-1} id="page-title">
        综合窗口受理（一站办结）
      </h1>
      <p className="note">选择项目、阶段和事项，回答情形问题，核对材料清单后提交。已由其他部门掌握的材料标为“免提交”，申请人无需再交。</p>

      <section className="card" aria-labelledby="step-project">
        <h2 id="step-project">1. 项目</h2>
        {project ? (
          <ChosenProject project={project} onChange={submission.state === 'done' ? null : () => choose(null)} />
        ) : (
          <ProjectFinder initial={search.get('project') ?? ''} onChoose={choose} />
        )}
      </section>

      {project && (
        <section className="card" aria-labelledby="step-item">
          <h2 id="step-item">2. 阶段与事项</h2>
          <div className="filters">
            <label>
              审批阶段
              <select
                id="intake-stage"
                value={stage}
                disabled={submission.state === 'done'}
                onChange={(e) => {
                  setStage(e.target.value as ProjectStage);
                  setItemCode('');
                  setAnswers({});
                }}
              >
                {Object.entries(STAGE_NAMES).map(([value, text]) => (
                  <option key={value} value={value}>
                    {text}
                    {value === project.stage ? '（项目当前阶段）' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label>
              事项
              <select
                id="intake-item"
                value={itemCode}
                disabled={submission.state === 'done' || items.state !== 'done'}
                onChange={(e) => {
                  setItemCode(e.target.value);
                  setAnswers({});
                }}
              >
                <option value="">{items.state === 'loading' ? '加载中…' : '请选择事项'}</option>
                {stageItems.map((i) => (
                  <option key={i.code} value={i.code}>
                    {i.name}（{i.department}
                    {i.leadsStage ? '，牵头' : ''}）
                  </option>
                ))}
              </select>
            </label>
          </div>
          <LoadProblem loaded={items} what="事项目录" />
          {items.state === 'done' && stageItems.length === 0 && <p className="note">该阶段没有可受理的事项。</p>}
        </section>
      )}

      {project && item && (
        <section className="card" aria-labelledby="step-case">
          <h2 id="step-case">3. 情形</h2>
          {item.questions.length === 0 && <p className="note">该事项不分情形。</p>}
          {item.questions.map((q) => (
            <fieldset key={q.id} className="question" data-question={q.id} disabled={submission.state === 'done'}>
              <legend>{q.text}</legend>
              {q.options.map((o) => (
                <label key={o.value}>
                  <input type="radio" name={`q-${q.id}`} value={o.value} checked={answers[q.id] === o.value} onChange={() => setAnswers({ ...answers, [q.id]: o.value })} />
                  {o.label}
                </label>
              ))}
            </fieldset>
          ))}
        </section>
      )}

      {project && item && complete && (
        <section className="card wide" aria-labelledby="step-materials">
          <h2 id="step-materials">4. 材料清单</h2>
          <Checklist loaded={checklist} />
        </section>
      )}

      {project && item && complete && checklist.state === 'done' && (
        <section className="card" aria-labelledby="step-submit">
          <h2 id="step-submit">5. 提交</h2>
          <Submit
            project={project}
            stage={stage as ProjectStage}
            checklist={checklist.result.data?.materialChecklist ?? null}
            idempotencyKey={key}
            submission={submission}
            setSubmission={setSubmission}
            onRestart={restart}
          />
        </section>
      )}
    </div>
  );
}

function ProjectFinder({ initial, onChoose }: { initial: string; onChoose: (project: ProjectOption) => void }) {
  const [text, setText] = useState(initial);
  const [query, setQuery] = useState(initial && !searchProblem(initial) ? normalizeSearch(initial) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const found = useGraphQL<{ constructionProjects: { totalCount: number; nodes: ProjectOption[] } | null }>(PROJECT_SEARCH, query ? { search: query } : null);
  const nodes = found.state === 'done' ? (found.result.data?.constructionProjects?.nodes ?? []) : [];

  // Opened from a link with ?project=<code>: that project, when the search finds exactly it.
  useEffect(() => {
    const exact = nodes.find((n) => n.code === initial);
    if (exact && query === initial) onChoose(exact);
  }, [found.state]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const why = searchProblem(text) ?? (normalizeSearch(text) ? null : '请输入项目代码、项目名称、建设单位名称或统一社会信用代码。');
    setProblem(why);
    if (!why) setQuery(normalizeSearch(text));
  };
  return (
    <>
      <form className="search" role="search" aria-label="查找项目" onSubmit={submit}>
        <label htmlFor="intake-search">查找项目</label>
        <input id="intake-search" type="search" value={text} placeholder="项目代码、项目名称、建设单位或统一社会信用代码" onChange={(e) => setText(e.target.value)} />
        <button type="submit">查找</button>
        {problem && (
          <p className="alert" role="alert">
            {problem}
          </p>
        )}
      </form>
      <LoadProblem loaded={found} what="项目" />
      {found.state === 'done' && found.result.data?.constructionProjects && (
        <table className="compact" id="intake-candidates">
          <caption>
            找到 {found.result.data.constructionProjects.totalCount} 个项目
            {found.result.data.constructionProjects.totalCount > nodes.length && `，显示前 ${nodes.length} 个，请输入更完整的内容`}
          </caption>
          <thead>
            <tr>
              <th scope="col">项目代码</th>
              <th scope="col">项目名称</th>
              <th scope="col">建设单位</th>
              <th scope="col">阶段</th>
              <th scope="col">
                <span className="visually-hidden">操作</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.code} data-code={n.code}>
                <td>{n.code}</td>
                <td>{n.name}</td>
                <td>{n.applicant?.name ?? '—'}</td>
                <td className="nowrap">{STAGE_NAMES[n.stage]}</td>
                <td>
                  <button type="button" onClick={() => onChoose(n)}>
                    选择
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function ChosenProject({ project, onChange }: { project: ProjectOption; onChange: (() => void) | null }) {
  return (
    <div id="intake-project" data-code={project.code}>
      <dl className="facts">
        <div>
          <dt>投资项目代码</dt>
          <dd>
            <a href={projectHref(project.code)} onClick={followLink}>
              {project.code}
            </a>
          </dd>
        </div>
        <div>
          <dt>项目名称</dt>
          <dd>{project.name}</dd>
        </div>
        <div>
          <dt>建设单位</dt>
          <dd>{project.applicant ? `${project.applicant.name}（${project.applicant.uscc}）` : '市场监管局数据暂不可用'}</dd>
        </div>
        <div>
          <dt>当前阶段</dt>
          <dd>{STAGE_NAMES[project.stage]}</dd>
        </div>
        <div>
          <dt>已有申请</dt>
          <dd>
            {project.applications === null
              ? '审批系统数据暂不可用'
              : project.applications.length === 0
                ? '未申报'
                : project.applications.map((a) => `${a.id}（${STAGE_NAMES[a.stage]}，${JOINT_STATUS_NAMES[a.jointStatus]}）`).join('；')}
          </dd>
        </div>
      </dl>
      {onChange && (
        <button type="button" className="link-button" onClick={onChange}>
          换一个项目
        </button>
      )}
    </div>
  );
}

function Checklist({ loaded }: { loaded: Loaded<ChecklistData> }) {
  if (loaded.state !== 'done') return <LoadProblem loaded={loaded} what="材料清单" />;
  const { data, errors } = loaded.result;
  const guide = data?.serviceGuide;
  const entries = data?.materialChecklist ?? null;
  return (
    <>
      {guide && (
        <p id="intake-case" data-case={guide.case.code}>
          情形：<strong>{guide.case.name}</strong>，承诺时限 {guide.case.promisedDays} 个工作日
          {guide.case.notice && <span className="badge badge-warn">{guide.case.notice}</span>}
        </p>
      )}
      {errors.length > 0 && <ErrorNote errors={errors} />}
      {entries && (
        <table className="compact" id="intake-checklist">
          <thead>
            <tr>
              <th scope="col">材料</th>
              <th scope="col">必要性</th>
              <th scope="col">形式与份数</th>
              <th scope="col">状态</th>
              <th scope="col">说明</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-material={e.material.id} data-status={e.status ?? 'UNKNOWN'}>
                <th scope="row">{e.material.name}</th>
                <td className="nowrap">{label(NECESSITY_NAMES, e.material.necessity)}</td>
                <td>
                  {label(FORM_NAMES, e.material.form)}，{e.material.counterHandling}
                  {e.material.originals + e.material.copies > 0 && `（原件 ${e.material.originals} 份，复印件 ${e.material.copies} 份）`}
                </td>
                <td className="nowrap">
                  {e.status ? (
                    <span className={`badge ${e.status === 'SHARED' ? 'badge-ok' : e.status === 'BLOCKED' ? 'badge-bad' : 'badge-warn'}`}>{CHECKLIST_STATUS_NAMES[e.status]}</span>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <EntryNote entry={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function EntryNote({ entry }: { entry: ChecklistEntry }) {
  const doc = entry.sharedFrom;
  const document = doc && (
    <>
      {doc.department}：{label(DOCUMENT_TYPE_NAMES, doc.documentType)}
      {doc.documentNumber && ` ${doc.documentNumber}`}
      {doc.issuedOn && `（${formatDate(doc.issuedOn)}）`}
      {doc.verified === true && <span className="badge badge-ok">验签通过</span>}
      {doc.verified === false && <span className="badge badge-bad">验签未通过</span>}
    </>
  );
  if (entry.status === 'SHARED') return <span className="shared-from">由{document}共享，申请人免提交</span>;
  if (entry.status === 'BLOCKED') {
    return (
      <span className="blocked-reason">
        {entry.reason ?? '共享数据显示存在问题'}
        {document && <>（{document}）</>}。须先解决，才能受理。
      </span>
    );
  }
  if (entry.status === 'REQUIRED') return <span>{entry.reason ?? '申请人提交'}</span>;
  return <span className="note">状态暂不可知（部门数据不可用），请人工核对。</span>;
}

function Submit({
  project,
  stage,
  checklist,
  idempotencyKey,
  submission,
  setSubmission,
  onRestart,
}: {
  project: ProjectOption;
  stage: ProjectStage;
  checklist: ChecklistEntry[] | null;
  idempotencyKey: string;
  submission: Submission;
  setSubmission: (s: Submission) => void;
  onRestart: () => void;
}) {
  const session = useSession();
  const blocked = (checklist ?? []).filter((e) => e.status === 'BLOCKED');
  const unknown = checklist === null || checklist.some((e) => e.status === null);

  const send = async () => {
    setSubmission({ state: 'sending' });
    try {
      const result = await graphqlRequest<{ submitApplication: SubmittedApplication | null }>(session.endpoint, session.token, SUBMIT, {
        input: { project: project.code, stage, idempotencyKey },
      });
      const application = result.data?.submitApplication;
      if (application) setSubmission({ state: 'done', application });
      else setSubmission({ state: 'failed', message: result.errors[0] ? describeError(result.errors[0]).message : '提交未成功，请重试。', detail: detailOf(result.errors) });
    } catch (error) {
      // The answer may have been lost after the application was made: a retry with the same key returns that one.
      setSubmission({ state: 'failed', message: '无法连接数据网关，提交结果未知。请点击“重新提交”，不会重复受理。', detail: error instanceof Error ? error.message : String(error) });
    }
  };

  if (submission.state === 'done') {
    const a = submission.application;
    return (
      <div id="intake-result" data-application={a.id} role="status">
        <p className="success">
          已受理：申请编号 <strong>{a.id}</strong>，{STAGE_NAMES[a.stage]}，{JOINT_STATUS_NAMES[a.jointStatus]}，办结期限 {formatDate(a.deadline)}（受理时间 {formatDateTime(a.submittedAt)}）。
        </p>
        <table className="compact">
          <caption>并联审查的部门</caption>
          <thead>
            <tr>
              <th scope="col">部门</th>
              <th scope="col">状态</th>
              <th scope="col">办结期限</th>
            </tr>
          </thead>
          <tbody>
            {a.tasks.map((t) => (
              <tr key={t.id} data-task={t.id}>
                <th scope="row">
                  {t.department}
                  {t.lead && <span className="badge badge-lead">牵头</span>}
                </th>
                <td>{label(REVIEW_STATUS_NAMES, t.status)}</td>
                <td>{formatDate(t.deadline)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <a id="intake-application-link" href={projectHref(a.project?.code ?? project.code)} onClick={followLink}>
            到项目页查看申请 {a.id}
          </a>{' '}
          <button type="button" className="link-button" onClick={onRestart}>
            受理下一件
          </button>
        </p>
      </div>
    );
  }

  return (
    <>
      {blocked.length > 0 && (
        <p className="alert" role="alert" id="intake-blocked">
          有 {blocked.length} 项材料受阻（{blocked.map((e) => e.material.name).join('、')}），须先解决才能受理。
        </p>
      )}
      {unknown && blocked.length === 0 && <p className="alert">材料清单的部分状态暂不可知（有部门数据不可用），请稍后刷新后再受理。</p>}
      <button type="button" id="intake-submit" disabled={submission.state === 'sending' || blocked.length > 0 || unknown} onClick={() => void send()}>
        {submission.state === 'failed' ? '重新提交' : submission.state === 'sending' ? '正在提交…' : `提交申请（${STAGE_NAMES[stage]}）`}
      </button>
      {submission.state === 'failed' && <ErrorNote message={submission.message} detail={submission.detail} />}
    </>
  );
}

function ErrorNote({ errors, message, detail }: { errors?: readonly ResponseError[]; message?: string; detail?: string }) {
  const text = message ?? (errors?.[0] ? describeError(errors[0]).message : '');
  const more = detail ?? (errors ? detailOf(errors) : '');
  return (
    <div className="alert" role="alert">
      {text}
      {more && (
        <details>
          <summary>详情</summary>
          <pre>{more}</pre>
        </details>
      )}
    </div>
  );
}

function LoadProblem<T>({ loaded, what }: { loaded: Loaded<T>; what: string }) {
  if (loaded.state === 'loading') return null;
  if (loaded.state === 'failed') return <ErrorNote message={`无法取得${what}：${loaded.message}`} />;
  const { data, errors } = loaded.result as { data: unknown; errors: ResponseError[] };
  if (errors.length > 0 && data === null) return <ErrorNote errors={errors} />;
  return null;
}

export const intakeHref = (code?: string) => `${BASE}intake${code ? `?project=${encodeURIComponent(code)}` : ''}`;

/** The gateway's own words for each error, for the 详情 toggle. */
const detailOf = (errors: readonly ResponseError[]): string => errors.map((e) => describeError(e).detail).join('\n');

import { useCallback, useState, type ReactNode } from 'react';
import type { Application } from './applications';
import { ApplicationTasks } from './ApplicationTasks';
import { DEPARTMENTS, healthOf, missingAt, responseHealth, type ResponseHealth } from './departments';
import { ErrorNotice } from './ErrorNotice';
import { formatAmount, formatDate, formatDateTime } from './format';
import {
  APPROVAL_MODES,
  CONSTRUCTION_NATURES,
  DRAWING_REVIEW_RESULT_NAMES,
  INVESTOR_TYPES,
  JOINT_STATUS_NAMES,
  LAND_RIGHT_NATURES,
  label,
  PARTICIPANT_ROLES,
  PERMIT_STATUS_NAMES,
  REGISTRATION_STATUS_NAMES,
  STAGE_NAMES,
  type JointStatus,
  type ProjectStage,
} from './labels';
import { LiveIndicator, useLiveEvents, type LiveOperation } from './live';
import { InForce, Missing, OtherErrors, SourceMarkers, Verified } from './markers';
import { PrintButton } from './PrintButton';
import { reviewQueueChanged } from './review-queue-events';
import { BASE, followLink } from './router';
import { useGraphQL } from './use-graphql';
import { useWrite } from './write';
import APPLICATION from './operations/DashboardApplication.graphql?raw';
import APPLICATION_UPDATED from './operations/DashboardApplicationUpdated.graphql?raw';
import MESSAGE_ADDED from './operations/DashboardMessageAdded.graphql?raw';
import PROJECT from './operations/DashboardProject.graphql?raw';

interface Licence {
  number: string;
  issuedOn: string;
  validUntil?: string | null;
  issuingDepartment: string;
  verified: boolean;
  inForce: boolean;
}
interface Project {
  code: string;
  name: string;
  stage: ProjectStage;
  location: string;
  totalInvestment: number;
  investorType: string;
  approvalMode: string;
  approvalDocumentNumber: string;
  nature: string;
  buildingArea: number;
  floors: number;
  structure: string;
  constructionPermitRequired: boolean;
  dataAsOf: string | null;
  jointStatus: JointStatus | null;
  region: { code: string; name: string; path: { code: string; name: string }[] } | null;
  applicant: {
    uscc: string;
    name: string;
    status: string;
    establishedOn: string;
    onAbnormalList: boolean;
    dataAsOf: string | null;
    legalRepresentative: { name: string };
    abnormalRecords: { reason: string; listedOn: string; removedOn: string | null; authority: string }[];
    businessLicence: Licence & { issuingDepartment: string };
  } | null;
  parcel: {
    unitNumber: string;
    location: string;
    area: number;
    landUse: string;
    dataAsOf: string | null;
    landUseRight: { nature: string; termEnd: string; expired: boolean; mortgaged: boolean; seized: boolean; certificate: Licence };
    rightHolder: { uscc: string; name: string } | null;
    planningConditions: { plotRatio: number; buildingDensity: number; greenRatio: number; heightLimit: number } | null;
    landPlanningPermit: Licence | null;
    engineeringPlanningPermit: Licence | null;
  } | null;
  drawingReview: { result: string; certificateNumber: string | null; reviewedOn: string | null; agency: string } | null;
  constructionPermit: (Licence & { validUntil: string; status: string }) | null;
  participants: { role: string; qualification: string; enterprise: { uscc: string; name: string; status: string } | null }[];
  applications: Application[] | null;
}

const P = ['constructionProject'] as const;

export function ProjectPage({ code }: { code: string }) {
  const loaded = useGraphQL<{ constructionProject: Project | null }>(PROJECT, { code });
  // Applications as a decision on this page left them: shown at once, without reading the whole project again.
  const [written, setWritten] = useState<Record<string, Application>>({});
  const health = loaded.state === 'done' ? responseHealth(loaded.result.errors, loaded.result.stale) : null;
  const project = withWritten(loaded.state === 'done' ? (loaded.result.data?.constructionProject ?? null) : null, written);
  const write = (application: Application) => setWritten((current) => ({ ...current, [application.id]: application }));
  const retry = () => {
    setWritten({});
    loaded.retry();
  };
  const { live, threadRevisions } = useLiveApplications(project?.applications ?? null, write);

  // The heading stays one element through loading and loaded, so the focus put on it stays too.
  return (
    <>
      <p className="breadcrumb">
        <a href={BASE} onClick={followLink}>
          ← 返回项目列表
        </a>
      </p>
      <header className="project-header">
        <h1 tabIndex={-1} id="page-title">
          {project?.name ?? `项目 ${code}`}
        </h1>
        {project && health && <ProjectFacts project={project} health={health} />}
        {project && <PrintButton />}
        {live && <LiveIndicator live={live} />}
      </header>
      {loaded.state === 'loading' && <p aria-busy="true">加载中…</p>}
      {loaded.state === 'failed' && <ErrorNotice text={loaded.text} onRetry={retry} />}
      {health && !project && <NoProject code={code} health={health} onRetry={retry} />}
      {health && project && <ProjectSections project={project} health={health} onRetry={retry} onWritten={write} threadRevisions={threadRevisions} />}
    </>
  );
}

/**
 * 实时更新: each application of the project and its message thread, followed over one
 * connection. A change elsewhere (another reviewer decided, corrections came in) reads that
 * application again and shows it as a decision taken here would; a new message reads the
 * thread again. Only open applications are followed: a closed one (通过, 不予许可) takes no
 * more decisions or messages, and a project's history of closed ones would otherwise hold
 * many subscriptions. Nothing to follow shows no indicator.
 */
const CLOSED: JointStatus[] = ['APPROVED', 'REJECTED'];

function useLiveApplications(applications: Application[] | null, onRead: (application: Application) => void) {
  const write = useWrite();
  const [threadRevisions, setThreadRevisions] = useState<Record<string, number>>({});
  const ids = applications?.filter((a) => !CLOSED.includes(a.jointStatus)).map((a) => a.id) ?? [];
  const operations: LiveOperation[] | null =
    ids.length === 0 ? null : ids.flatMap((id) => [{ query: APPLICATION_UPDATED, variables: { id } }, { query: MESSAGE_ADDED, variables: { applicationId: id } }]);
  const onEvent = useCallback(
    (data: unknown, operation: LiveOperation) => {
      const event = data as { applicationUpdated?: { id: string }; messageAdded?: { id: string } };
      if (event.applicationUpdated) {
        const { id } = event.applicationUpdated;
        void write<{ application: Application | null }>(APPLICATION, { id }).then((read) => {
          if (read.ok && read.data.application) onRead(read.data.application);
        });
        reviewQueueChanged();
      }
      if (event.messageAdded) {
        const applicationId = String(operation.variables?.applicationId);
        setThreadRevisions((current) => ({ ...current, [applicationId]: (current[applicationId] ?? 0) + 1 }));
      }
    },
    [write, onRead],
  );
  const live = useLiveEvents(operations, onEvent);
  return { live: operations === null ? null : live, threadRevisions };
}

/** The project with the applications a decision rewrote, and its joint status (its newest application's) with them. */
function withWritten(project: Project | null, written: Record<string, Application>): Project | null {
  if (!project?.applications || Object.keys(written).length === 0) return project;
  // A decision's answer has no thread: the one the page read stays.
  const applications = project.applications.map((a) => (written[a.id] ? { ...written[a.id]!, messages: a.messages } : a));
  return { ...project, applications, jointStatus: applications[0]?.jointStatus ?? project.jointStatus };
}

function NoProject({ code, health, onRetry }: { code: string; health: ResponseHealth; onRetry: () => void }) {
  return (
    <>
      {healthOf(health, 'construction').unavailable ? (
        <SourceMarkers health={health} sources={[{ department: 'construction' }]} onRetry={onRetry} />
      ) : (
        health.other.length === 0 && <p className="alert">住建局没有投资项目代码为 {code} 的项目。请核对项目代码，或回到项目列表查找。</p>
      )}
      <OtherErrors health={health} onRetry={onRetry} />
    </>
  );
}

function ProjectFacts({ project, health }: { project: Project; health: ResponseHealth }) {
  return (
    <>
      <p className="project-facts">
        <span>
          投资项目代码 <strong>{project.code}</strong>
        </span>
        <span>
          阶段 <strong>{STAGE_NAMES[project.stage]}</strong>
        </span>
        <span>
          联审状态{' '}
          {project.jointStatus ? (
            <strong className={`status status-${project.jointStatus}`}>{JOINT_STATUS_NAMES[project.jointStatus]}</strong>
          ) : project.applications === null ? (
            <Missing department="approval" missing />
          ) : (
            <strong>未申报</strong>
          )}
        </span>
        <span>{project.region ? project.region.path.slice(2).map((r) => r.name).join(' · ') : ''}</span>
      </p>
      <DepartmentSummary health={health} project={project} />
    </>
  );
}

function ProjectSections({
  project,
  health,
  onRetry,
  onWritten,
  threadRevisions,
}: {
  project: Project;
  health: ResponseHealth;
  onRetry: () => void;
  onWritten: (application: Application) => void;
  threadRevisions: Record<string, number>;
}) {
  return (
    <>
      <OtherErrors health={health} onRetry={onRetry} />

      <div className="sections">
        <Section onRetry={onRetry} id="project" title="项目概况" health={health} sources={[{ department: 'construction', asOf: project.dataAsOf }]}>
          <Facts
            rows={[
              ['建设地点', project.location],
              ['总投资', formatAmount(project.totalInvestment, '万元')],
              ['投资类型 / 审批方式', `${label(INVESTOR_TYPES, project.investorType)} / ${label(APPROVAL_MODES, project.approvalMode)}`],
              ['批复文号', project.approvalDocumentNumber],
              ['建设性质', label(CONSTRUCTION_NATURES, project.nature)],
              ['建筑面积 / 层数', `${formatAmount(project.buildingArea, '平方米')} / ${project.floors} 层，${project.structure}`],
              [
                '施工图审查',
                project.drawingReview
                  ? `${label(DRAWING_REVIEW_RESULT_NAMES, project.drawingReview.result)}${project.drawingReview.certificateNumber ? `（${project.drawingReview.certificateNumber}）` : ''}，${project.drawingReview.agency}`
                  : '未送审',
              ],
            ]}
          />
        </Section>

        <Section onRetry={onRetry} id="applicant" title="申请人（建设单位）" health={health} sources={[{ department: 'enterprise', asOf: project.applicant?.dataAsOf }]}>
          {project.applicant ? (
            <>
              <Facts
                rows={[
                  ['名称', project.applicant.name],
                  ['统一社会信用代码', project.applicant.uscc],
                  [
                    '登记状态',
                    <span key="s" className={['SUBSISTING', 'IN_BUSINESS'].includes(project.applicant.status) ? '' : 'badge badge-bad'}>
                      {label(REGISTRATION_STATUS_NAMES, project.applicant.status)}
                    </span>,
                  ],
                  ['法定代表人', project.applicant.legalRepresentative.name],
                  ['成立日期', formatDate(project.applicant.establishedOn)],
                  [
                    '经营异常名录',
                    project.applicant.onAbnormalList ? <span key="a" className="badge badge-warn">列入经营异常名录</span> : '未列入',
                  ],
                ]}
              />
              {project.applicant.abnormalRecords.length > 0 && (
                <table className="compact">
                  <caption>经营异常记录</caption>
                  <thead>
                    <tr>
                      <th scope="col">列入原因</th>
                      <th scope="col">列入日期</th>
                      <th scope="col">移出日期</th>
                      <th scope="col">作出决定机关</th>
                    </tr>
                  </thead>
                  <tbody>
                    {project.applicant.abnormalRecords.map((r, i) => (
                      <tr key={i}>
                        <td>{r.reason}</td>
                        <td className="date">{formatDate(r.listedOn)}</td>
                        <td>{r.removedOn ?? '未移出'}</td>
                        <td>{r.authority}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          ) : (
            !missingAt(health, 'enterprise', [...P, 'applicant']) && <p className="none">市场监管局没有该建设单位的登记信息。</p>
          )}
        </Section>

        <Section onRetry={onRetry} id="parcel" title="宗地与规划条件" health={health} sources={[{ department: 'land', asOf: project.parcel?.dataAsOf }]}>
          {project.parcel ? (
            <>
              <Facts
                rows={[
                  ['不动产单元号', project.parcel.unitNumber],
                  ['坐落', project.parcel.location],
                  ['面积 / 用途', `${formatAmount(project.parcel.area, '平方米')} / ${project.parcel.landUse}`],
                  [
                    '土地使用权',
                    <span key="r">
                      {label(LAND_RIGHT_NATURES, project.parcel.landUseRight.nature)}，至 {formatDate(project.parcel.landUseRight.termEnd)}
                      {project.parcel.landUseRight.expired && <span className="badge badge-bad"> 已到期</span>}
                      {project.parcel.landUseRight.mortgaged && <span className="badge badge-warn"> 已抵押</span>}
                      {project.parcel.landUseRight.seized && <span className="badge badge-bad"> 已查封</span>}
                    </span>,
                  ],
                  [
                    '权利人',
                    project.parcel.rightHolder?.name ?? <Missing key="h" department="enterprise" missing={missingAt(health, 'enterprise', [...P, 'parcel', 'rightHolder'])} />,
                  ],
                ]}
              />
              <h3>规划条件</h3>
              {project.parcel.planningConditions ? (
                <dl className="conditions">
                  <div>
                    <dt>容积率</dt>
                    <dd>{project.parcel.planningConditions.plotRatio}</dd>
                  </div>
                  <div>
                    <dt>建筑密度</dt>
                    <dd>{project.parcel.planningConditions.buildingDensity}%</dd>
                  </div>
                  <div>
                    <dt>绿地率</dt>
                    <dd>{project.parcel.planningConditions.greenRatio}%</dd>
                  </div>
                  <div>
                    <dt>建筑限高</dt>
                    <dd>{project.parcel.planningConditions.heightLimit} 米</dd>
                  </div>
                </dl>
              ) : (
                <p className="none">未出具规划条件。</p>
              )}
            </>
          ) : (
            !missingAt(health, 'land', [...P, 'parcel']) && <p className="none">项目未关联宗地。</p>
          )}
        </Section>

        <Section onRetry={onRetry}
          id="participants"
          title="参建单位"
          health={health}
          sources={[
            { department: 'construction', asOf: project.dataAsOf },
            { department: 'enterprise' },
          ]}
        >
          {project.participants.length === 0 ? (
            <p className="none">尚无参建单位。</p>
          ) : (
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">角色</th>
                  <th scope="col">单位名称</th>
                  <th scope="col">登记状态</th>
                  <th scope="col">资质</th>
                </tr>
              </thead>
              <tbody>
                {project.participants.map((p, i) => (
                  <tr key={i}>
                    <td>{label(PARTICIPANT_ROLES, p.role)}</td>
                    <td>{p.enterprise?.name ?? <Missing department="enterprise" missing={missingAt(health, 'enterprise', [...P, 'participants', i])} />}</td>
                    <td>{p.enterprise ? label(REGISTRATION_STATUS_NAMES, p.enterprise.status) : '—'}</td>
                    <td>{p.qualification}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>

        <Section onRetry={onRetry}
          id="licences"
          title="证照与验签"
          wide
          health={health}
          sources={[
            { department: 'construction', asOf: project.dataAsOf },
            { department: 'land', asOf: project.parcel?.dataAsOf },
            { department: 'enterprise', asOf: project.applicant?.dataAsOf },
          ]}
        >
          <table className="compact licences">
            <thead>
              <tr>
                <th scope="col">证照</th>
                <th scope="col">编号</th>
                <th scope="col">发证日期</th>
                <th scope="col">发证机关</th>
                <th scope="col">验签</th>
                <th scope="col">有效期</th>
              </tr>
            </thead>
            <tbody>
              <LicenceRow name="营业执照" licence={project.applicant?.businessLicence} department="enterprise" missing={missingAt(health, 'enterprise', [...P, 'applicant'])} />
              <LicenceRow name="不动产权证书" licence={project.parcel?.landUseRight.certificate} department="land" missing={missingAt(health, 'land', [...P, 'parcel'])} />
              <LicenceRow name="建设用地规划许可证" licence={project.parcel?.landPlanningPermit} department="land" missing={missingAt(health, 'land', [...P, 'parcel'])} />
              <LicenceRow name="建设工程规划许可证" licence={project.parcel?.engineeringPlanningPermit} department="land" missing={missingAt(health, 'land', [...P, 'parcel'])} />
              <LicenceRow
                name="施工许可证"
                licence={project.constructionPermit}
                department="construction"
                missing={false}
                note={
                  project.constructionPermit
                    ? label(PERMIT_STATUS_NAMES, project.constructionPermit.status)
                    : project.constructionPermitRequired
                      ? undefined
                      : '该项目无需办理施工许可'
                }
              />
            </tbody>
          </table>
        </Section>

        <Section onRetry={onRetry} id="reviews" title="部门审查任务" wide health={health} sources={[{ department: 'approval' }]}>
          {project.applications === null ? null : project.applications.length === 0 ? (
            <p className="none">该项目尚未提交联审申请（一件事）。</p>
          ) : (
            project.applications.map((application) => (
              <ApplicationTasks key={application.id} application={application} onWritten={onWritten} threadRevision={threadRevisions[application.id] ?? 0} />
            ))
          )}
        </Section>
      </div>
    </>
  );
}

interface SectionProps {
  id: string;
  title: string;
  health: ResponseHealth;
  sources: { department: string; asOf?: string | null }[];
  wide?: boolean;
  /** 重试 on a department marker: the page asks again (one request, every section). */
  onRetry: () => void;
  children: ReactNode;
}

function Section({ id, title, health, sources, wide = false, onRetry, children }: SectionProps) {
  return (
    <section className={`card${wide ? ' wide' : ''}`} aria-labelledby={`${id}-title`} data-section={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      <SourceMarkers health={health} sources={sources} onRetry={onRetry} />
      {children}
    </section>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function LicenceRow({
  name,
  licence,
  department,
  missing,
  note,
}: {
  name: string;
  licence: Licence | null | undefined;
  department: string;
  missing: boolean;
  note?: string;
}) {
  return (
    <tr data-licence={name}>
      <th scope="row">{name}</th>
      {licence ? (
        <>
          <td>
            {licence.number}
            {note && <span className="note">（{note}）</span>}
          </td>
          <td className="date">{formatDate(licence.issuedOn)}</td>
          <td>{licence.issuingDepartment}</td>
          <td>
            <Verified verified={licence.verified} />
          </td>
          <td>
            <InForce inForce={licence.inForce} validUntil={licence.validUntil ?? null} />
          </td>
        </>
      ) : (
        <td colSpan={5}>{missing ? <Missing department={department} missing /> : <span className="none">{note ?? '尚未核发'}</span>}</td>
      )}
    </tr>
  );
}

/** One line under the title: every department the page draws on, and how its data stands. */
function DepartmentSummary({ health, project }: { health: ResponseHealth; project: Project }) {
  const asOf: Record<string, string | null | undefined> = {
    construction: project.dataAsOf,
    enterprise: project.applicant?.dataAsOf,
    land: project.parcel?.dataAsOf,
    approval: undefined,
  };
  return (
    <ul className="department-summary" aria-label="数据来源">
      {Object.entries(DEPARTMENTS).map(([id, name]) => {
        const { unavailable, stale } = healthOf(health, id);
        const state = unavailable ? 'unavailable' : stale ? 'stale' : 'ok';
        return (
          <li key={id} className={`dept dept-${state}`} data-department={id} data-state={state}>
            <span aria-hidden="true">{state === 'ok' ? '● ' : state === 'stale' ? '◐ ' : '○ '}</span>
            {name}：{state === 'ok' ? '已获取' : state === 'stale' ? `缓存数据（截至 ${formatDateTime(asOf[id] ?? new Date(Date.now() - stale!.ageSeconds * 1000).toISOString())}）` : '暂不可用'}
          </li>
        );
      })}
    </ul>
  );
}

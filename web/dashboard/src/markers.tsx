import { departmentName, formatAge, healthOf, type ResponseHealth } from './departments';
import { describeError } from './error-messages';
import { ErrorNotice, NoticeActions } from './ErrorNotice';
import { formatDate, formatDateTime } from './format';

export interface SectionSource {
  /** The department whose data the section shows. */
  department: string;
  /** When its record was read (`dataAsOf`), if the section has one. */
  asOf?: string | null;
}

/**
 * Under a section's heading: for each department it draws on, whether its data is missing
 * (暂不可用, with 重试 and the reason behind 详情), served from cache while the department
 * is down (缓存), or current.
 */
export function SourceMarkers({ health, sources, onRetry }: { health: ResponseHealth; sources: SectionSource[]; onRetry?: () => void }) {
  return (
    <div className="sources">
      {sources.map(({ department, asOf }) => {
        const { unavailable, stale } = healthOf(health, department);
        const name = departmentName(department);
        return (
          <div key={department} className="source-line">
            {unavailable && (
              <p className="marker marker-unavailable" data-department={department} data-state="unavailable">
                <span aria-hidden="true">⚠ </span>
                {unavailable.code === 'DEPARTMENT_ERROR' ? `${name}返回的数据无法识别，已暂不显示` : `${name}数据暂不可用`}
                <span className="reason">
                  {unavailable.code === 'DEPARTMENT_ERROR' ? '，请报告系统管理员。' : '，其他部门的数据照常显示，请稍后重试。'}
                </span>
                <NoticeActions detail={`${unavailable.code}${unavailable.reason ? `: ${unavailable.reason}` : ''}`} onRetry={onRetry} />
              </p>
            )}
            {stale && (
              <p className="marker marker-stale" data-department={department} data-state="stale">
                <span aria-hidden="true">◐ </span>
                数据截至 {formatDateTime(asOf ?? new Date(Date.now() - stale.ageSeconds * 1000).toISOString())}（缓存：{name}暂不可用，约 {formatAge(stale.ageSeconds)}前的数据）
              </p>
            )}
            {!unavailable && !stale && (
              <p className="source-ok" data-department={department} data-state="ok">
                来源：{name}
                {asOf && <> · 数据截至 {formatDateTime(asOf)}</>}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** In place of a value a department failed to give; `short` where a marker above already names it. */
export function Missing({ department, missing, short = false }: { department: string; missing: boolean; short?: boolean }) {
  if (!missing) return <span className="none">—</span>;
  return (
    <span className="marker-inline" data-department={department} data-state="unavailable" title={`${departmentName(department)}数据暂不可用`}>
      {short ? '暂不可用' : `${departmentName(department)}数据暂不可用`}
    </span>
  );
}

/** 验签 of an e-licence: the issuing department's signature covers exactly what is shown. */
export function Verified({ verified }: { verified: boolean }) {
  return verified ? (
    <span className="badge badge-ok" data-verified="true">
      <span aria-hidden="true">✔ </span>验证通过
    </span>
  ) : (
    <span className="badge badge-bad" data-verified="false">
      <span aria-hidden="true">✘ </span>验证失败
    </span>
  );
}

/**
 * 有效期 of an e-licence, apart from its signature: a genuine licence can have expired,
 * and a clerk must see both.
 */
export function InForce({ inForce, validUntil }: { inForce: boolean; validUntil: string | null }) {
  const until = validUntil ? `至 ${formatDate(validUntil)}` : '长期';
  return inForce ? (
    <span className="badge badge-ok" data-in-force="true">
      有效期内<span className="note">（{until}）</span>
    </span>
  ) : (
    <span className="badge badge-bad" data-in-force="false">
      <span aria-hidden="true">✘ </span>已失效<span className="note">（{validUntil ? `有效期至 ${formatDate(validUntil)}` : '已注销或尚未生效'}）</span>
    </span>
  );
}

/**
 * Errors that name no department (a refused field, an argument the gateway rejected), each
 * said once in Chinese; the same message for several fields is one notice.
 */
export function OtherErrors({ health, onRetry }: { health: ResponseHealth; onRetry?: () => void }) {
  if (health.other.length === 0) return null;
  const texts = new Map(health.other.map((error) => describeError(error)).map((text) => [text.message, text]));
  return (
    <div className="notices">
      {[...texts.values()].map((text) => (
        <ErrorNotice key={text.message} text={text} onRetry={onRetry} />
      ))}
    </div>
  );
}

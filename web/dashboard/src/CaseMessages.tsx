import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Application } from './applications';
import type { ErrorText } from './error-messages';
import { ErrorNotice } from './ErrorNotice';
import { formatDateTime } from './format';
import { callerOf } from './session';
import { useGraphQL, useSession } from './use-graphql';
import { useWrite } from './write';
import MESSAGES from './operations/DashboardMessages.graphql?raw';
import SEND from './operations/DashboardSendMessage.graphql?raw';
import CHECKLIST from './operations/DashboardTaskChecklist.graphql?raw';

export interface CaseMessage {
  id: string;
  authorId: string;
  authorName: string | null;
  role: 'REVIEWER' | 'APPLICANT';
  department: string | null;
  departmentCode: string | null;
  body: string;
  attachments: { name: string; url: string | null; reference: string | null }[];
  material: { id: string; name: string } | null;
  sentAt: string;
}

const ROLE_NAMES: Record<CaseMessage['role'], string> = { REVIEWER: '审查人', APPLICANT: '申请人' };

/**
 * 办件留言: the application's thread, oldest first, read again whenever `revision` moves (a
 * message arrived live). A reviewer of one of the application's departments writes to the
 * applicant here, optionally naming a material of their task's checklist; a closed case
 * refuses, said in Chinese.
 */
export function CaseMessages({ application, revision }: { application: Application; revision: number }) {
  // The thread came with the project (one request); it is read on its own only once something changed.
  const [sent, setSent] = useState(0);
  const changes = revision + sent;
  const reread = useGraphQL<{ messages: CaseMessage[] }>(MESSAGES, changes > 0 ? { applicationId: application.id } : null);
  const { refresh } = reread;
  useEffect(() => {
    if (changes > 1) refresh();
  }, [changes, refresh]);
  const loaded = changes > 0 ? reread : null;
  const session = useSession();
  const scopes = callerOf(session.token)?.scopes ?? [];
  const ownTasks = application.tasks.filter((t) => scopes.includes(`approval:review:${t.departmentCode}`));
  // While the thread is read again, the one shown stays (no flicker).
  const messages = (loaded?.state === 'done' ? loaded.result.data?.messages : undefined) ?? application.messages ?? null;
  const failure = loaded?.state === 'failed' ? loaded.text : null;

  return (
    <section className="messages" data-messages={application.id} aria-label="办件留言">
      <h4>办件留言</h4>
      {failure && <ErrorNotice text={failure} onRetry={loaded?.retry} />}
      {messages?.length === 0 && <p className="none">暂无留言。</p>}
      {messages && messages.length > 0 && (
        <ol className="message-list">
          {messages.map((m) => (
            <li key={m.id} data-message={m.id} className={`message-${m.role}`}>
              <p className="message-meta">
                <strong>{m.authorName ?? m.authorId}</strong>（{ROLE_NAMES[m.role] ?? m.role}
                {m.department ? ` · ${m.department}` : ''}）· <time dateTime={m.sentAt}>{formatDateTime(m.sentAt)}</time>
                {m.material && <span className="badge badge-lead"> 材料：{m.material.name}</span>}
              </p>
              <p className="message-body">{m.body}</p>
              {m.attachments.length > 0 && (
                <p className="message-meta">
                  附件：
                  {m.attachments.map((a, i) => (
                    <span key={i}>
                      {i > 0 && '、'}
                      {a.url ? (
                        <a href={a.url} rel="noreferrer noopener" target="_blank">
                          {a.name}
                        </a>
                      ) : (
                        `${a.name}${a.reference ? `（${a.reference}）` : ''}`
                      )}
                    </span>
                  ))}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
      {ownTasks.length > 0 && <MessageForm applicationId={application.id} taskIds={ownTasks.map((t) => t.id)} onSent={() => setSent((n) => n + 1)} />}
    </section>
  );
}

interface ChecklistLine {
  id: string;
  material: { id: string; name: string };
}

/** Closed until asked for: the checklist it offers is read then, not with every view of the page. */
function MessageForm({ applicationId, taskIds, onSent }: { applicationId: string; taskIds: string[]; onSent(): void }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" className="action" onClick={() => setOpen(true)}>
        写留言
      </button>
    );
  return <MessageEditor applicationId={applicationId} taskIds={taskIds} onSent={onSent} />;
}

function MessageEditor({ applicationId, taskIds, onSent }: { applicationId: string; taskIds: string[]; onSent(): void }) {
  const write = useWrite();
  const id = useId();
  const [body, setBody] = useState('');
  const [material, setMaterial] = useState('');
  const [sending, setSending] = useState(false);
  const [refused, setRefused] = useState<ErrorText | null>(null);
  const checklist = useGraphQL<{ application: { tasks: { id: string; checklist: ChecklistLine[] }[] } | null }>(CHECKLIST, { applicationId });
  const materials =
    checklist.state === 'done'
      ? [...new Map((checklist.result.data?.application?.tasks ?? []).filter((t) => taskIds.includes(t.id)).flatMap((t) => t.checklist.map((l) => [l.material.id, l.material] as const))).values()]
      : [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim() || sending) return;
    setSending(true);
    setRefused(null);
    const sent = await write<{ sendMessage: { id: string } }>(SEND, { applicationId, body, material: material || null });
    setSending(false);
    if (!sent.ok) return setRefused(sent.text);
    setBody('');
    setMaterial('');
    onSent();
  };

  return (
    <form className="message-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-body`}>给申请人留言</label>
      <textarea id={`${id}-body`} name="body" rows={3} maxLength={2000} value={body} onChange={(e) => setBody(e.target.value)} required />
      <label>
        相关材料（可选）
        <select name="material" value={material} onChange={(e) => setMaterial(e.target.value)}>
          <option value="">不指定</option>
          {materials.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      {refused && <ErrorNotice text={refused} />}
      <button type="submit" disabled={sending || !body.trim()}>
        {sending ? '发送中…' : '发送留言'}
      </button>
    </form>
  );
}

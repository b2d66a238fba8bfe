import { useId, useState } from 'react';
import type { ErrorText } from './error-messages';

/**
 * One failure as staff read it: the Chinese message (what happened, what to do), a 重试
 * button where asking again may help, and the code and the gateway's English words behind
 * 详情, for whoever reports it.
 */
export function ErrorNotice({ text, onRetry, inline = false }: { text: ErrorText; onRetry?: () => void; inline?: boolean }) {
  return (
    <div className={inline ? 'notice-inline' : 'alert'} role="alert" data-error={text.detail.split(':', 1)[0]}>
      <span className="notice-message">{text.message}</span>
      <NoticeActions detail={text.detail} onRetry={text.retryable ? onRetry : undefined} />
    </div>
  );
}

/** 重试 and 详情 for a notice whose text is said elsewhere (a department marker). */
export function NoticeActions({ detail, onRetry }: { detail: string | null; onRetry?: () => void }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!onRetry && !detail) return null;
  return (
    <span className="notice-actions">
      {onRetry && (
        <button type="button" className="retry" onClick={onRetry}>
          重试
        </button>
      )}
      {detail && (
        <>
          <button type="button" className="link-button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
            详情
          </button>
          <code id={id} className="notice-detail" hidden={!open}>
            {detail}
          </code>
        </>
      )}
    </span>
  );
}

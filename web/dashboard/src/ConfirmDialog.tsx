import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import type { ErrorText } from './error-messages';
import { ErrorNotice } from './ErrorNotice';

/**
 * The confirm step every action goes through: what it will do, said before it is done, the
 * inputs it needs, and 确认 / 取消. A modal <dialog>, so the keyboard stays in it and Esc cancels.
 */
export function ConfirmDialog({
  title,
  consequence,
  confirmLabel,
  canConfirm,
  busy,
  error,
  onConfirm,
  onCancel,
  children,
}: {
  title: string;
  consequence: string;
  confirmLabel: string;
  /** Why it cannot be confirmed yet (a reason to write, materials to choose), or null. */
  canConfirm: string | null;
  busy: boolean;
  error: ErrorText | null;
  onConfirm(): void;
  onCancel(): void;
  children?: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy && canConfirm === null) onConfirm();
  };
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        <p className="consequence" data-consequence>
          {consequence}
        </p>
        {children}
        {error && <ErrorNotice text={error} onRetry={onConfirm} />}
        {canConfirm && <p className="note">{canConfirm}</p>}
        <p className="dialog-buttons">
          <button type="submit" disabled={busy || canConfirm !== null} aria-busy={busy}>
            {busy ? '正在提交…' : confirmLabel}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            取消
          </button>
        </p>
      </form>
    </dialog>
  );
}

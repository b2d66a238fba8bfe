import { useState } from 'react';
import { requestedCorrections, type Application } from './applications';
import { ConfirmDialog } from './ConfirmDialog';
import { RESUBMIT_CONSEQUENCE } from './decisions';
import type { ErrorText } from './error-messages';
import { JOINT_STATUS_NAMES } from './labels';
import { reviewQueueChanged } from './review-queue-events';
import { useWrite } from './write';
import RESUBMIT from './operations/DashboardResubmitCorrections.graphql?raw';

/**
 * 补正提交 at the window: the clerk ticks the materials the applicant handed in, from those
 * the departments asked for. Leaving one out is refused by the approval system and said here.
 */
export function ResubmitDialog({
  application,
  onWritten,
  onRefused,
  onCancel,
}: {
  application: Application;
  onWritten(application: Application, message: string): void;
  onRefused(text: ErrorText): void;
  onCancel(): void;
}) {
  const write = useWrite();
  const asked = requestedCorrections(application);
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    const result = await write<{ resubmitCorrections: Application }>(RESUBMIT, { applicationId: application.id, materials: chosen }, { action: '补正提交' });
    setBusy(false);
    if (result.ok) {
      reviewQueueChanged();
      onWritten(result.data.resubmitCorrections, `已提交补正材料：联审状态为「${JOINT_STATUS_NAMES[result.data.resubmitCorrections.jointStatus]}」。`);
    } else if (result.code === 'CONFLICT' && result.reason !== 'CORRECTIONS_MISSING') {
      onRefused(result.text);
    } else {
      setError(result.text);
    }
  };

  return (
    <ConfirmDialog
      title={`确认补正提交：联审申请 ${application.id}`}
      consequence={RESUBMIT_CONSEQUENCE}
      confirmLabel="确认提交补正"
      canConfirm={chosen.length === 0 ? '请勾选申请人已提交的补正材料。' : null}
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
      onCancel={onCancel}
    >
      <fieldset className="materials">
        <legend>部门要求补正的材料</legend>
        {asked.map((name) => (
          <label key={name} className="material">
            <input type="checkbox" checked={chosen.includes(name)} onChange={(e) => setChosen(e.target.checked ? [...chosen, name] : chosen.filter((c) => c !== name))} />
            {name}
          </label>
        ))}
      </fieldset>
    </ConfirmDialog>
  );
}

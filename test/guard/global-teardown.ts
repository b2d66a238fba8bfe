import { auditDirState, changedByRun, TREE_AUDIT, type AuditDirState } from './audit-dir';

export default function globalTeardown(): void {
  const changed = changedByRun((globalThis as { auditDirBefore?: AuditDirState }).auditDirBefore!, auditDirState());
  if (changed.length === 0) return;
  throw new Error(
    `a test wrote into the working tree's audit trail (${TREE_AUDIT}): ${changed.slice(0, 10).join(', ')}${changed.length > 10 ? ', …' : ''}. ` +
      'Give that test, or the process it starts, an AUDIT_DIR of its own (mkdtempSync). ' +
      '(An `npm start` started while the tests ran changes it too: start it before the run or after.)',
  );
}

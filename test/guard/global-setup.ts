import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditDirState } from './audit-dir';

export default function globalSetup(): void {
  (globalThis as { auditDirBefore?: unknown }).auditDirBefore = auditDirState();
  // Inherited by every worker and every process a test starts: a gateway started without
  // an AUDIT_DIR of its own never falls back to the working tree's audit/.
  process.env.AUDIT_DIR = mkdtempSync(join(tmpdir(), 'jest-audit-'));
}

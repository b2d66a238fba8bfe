import { decide, isOverdue, jointStatusOf, type ReviewDecision, type ReviewStatus } from '../../domain/joint-review';

const STATUSES: ReviewStatus[] = ['PENDING_ACCEPTANCE', 'IN_REVIEW', 'APPROVED', 'CORRECTIONS_REQUESTED', 'REJECTED'];
const DECISIONS: ReviewDecision[] = ['ACCEPT', 'APPROVE', 'REQUEST_CORRECTIONS', 'REJECT'];

/** Every allowed transition; everything else is refused. */
const ALLOWED: Record<string, ReviewStatus> = {
  'PENDING_ACCEPTANCE ACCEPT': 'IN_REVIEW',
  'PENDING_ACCEPTANCE REQUEST_CORRECTIONS': 'CORRECTIONS_REQUESTED',
  'PENDING_ACCEPTANCE REJECT': 'REJECTED',
  'IN_REVIEW APPROVE': 'APPROVED',
  'IN_REVIEW REQUEST_CORRECTIONS': 'CORRECTIONS_REQUESTED',
  'IN_REVIEW REJECT': 'REJECTED',
};

const wellFormed = (decision: ReviewDecision) => ({
  decision,
  opinion: '意见',
  corrections: decision === 'REQUEST_CORRECTIONS' ? ['设计方案'] : [],
});

describe('review task transitions', () => {
  for (const status of STATUSES) {
    for (const decision of DECISIONS) {
      const expected = ALLOWED[`${status} ${decision}`];
      it(`${status} + ${decision} → ${expected ?? 'refused'}`, () => {
        const outcome = decide(status, wellFormed(decision));
        if (expected) expect(outcome).toEqual({ ok: true, status: expected });
        else expect(outcome).toEqual({ ok: false, reason: expect.stringContaining(`${decision} refused`) });
      });
    }
  }

  it('says why a decided task is refused', () => {
    expect(decide('APPROVED', wellFormed('REJECT'))).toEqual({ ok: false, reason: expect.stringContaining('already decided (通过)') });
    expect(decide('CORRECTIONS_REQUESTED', wellFormed('APPROVE'))).toEqual({ ok: false, reason: expect.stringContaining('waiting for the applicant') });
  });

  it('asks for corrections only with a list of them, and never with APPROVE', () => {
    expect(decide('IN_REVIEW', { decision: 'REQUEST_CORRECTIONS', opinion: '缺材料', corrections: [] })).toMatchObject({ ok: false });
    expect(decide('IN_REVIEW', { decision: 'APPROVE', opinion: '同意', corrections: ['x'] })).toMatchObject({ ok: false });
  });

  it('refuses a rejection without a reason', () => {
    expect(decide('IN_REVIEW', { decision: 'REJECT', opinion: '  ', corrections: [] })).toMatchObject({ ok: false, reason: expect.stringContaining('opinion') });
  });
});

describe('joint status (联审状态)', () => {
  it.each<[ReviewStatus[], string]>([
    [['APPROVED', 'APPROVED'], 'APPROVED'],
    [['APPROVED', 'IN_REVIEW'], 'IN_REVIEW'],
    [['PENDING_ACCEPTANCE', 'PENDING_ACCEPTANCE'], 'IN_REVIEW'],
    [['APPROVED', 'CORRECTIONS_REQUESTED'], 'AWAITING_CORRECTIONS'],
    [['REJECTED', 'CORRECTIONS_REQUESTED'], 'AWAITING_CORRECTIONS'],
    [['REJECTED', 'APPROVED'], 'REJECTED'],
    [[], 'IN_REVIEW'],
  ])('%j → %s', (statuses, expected) => {
    expect(jointStatusOf(statuses)).toBe(expected);
  });
});

describe('overdue (逾期)', () => {
  const task = (status: ReviewStatus, department = '自然资源局') => ({ status, department, deadline: '2026-11-20' });
  const late = '2026-11-21';

  it.each<[ReviewStatus, boolean]>([
    ['PENDING_ACCEPTANCE', true],
    ['IN_REVIEW', true],
    ['CORRECTIONS_REQUESTED', false],
    ['APPROVED', false],
    ['REJECTED', false],
  ])('a %s task past its deadline in an open application: %s', (status, expected) => {
    const t = task(status);
    expect(isOverdue(t, [t, task('IN_REVIEW', '人防办')], late)).toBe(expected);
  });

  it('is never due on its deadline day', () => {
    const t = task('IN_REVIEW');
    expect(isOverdue(t, [t], '2026-11-20')).toBe(false);
  });

  it('ends with the application: a task left undecided beside a refusal (不予许可) is not overdue', () => {
    const open = [task('PENDING_ACCEPTANCE'), task('IN_REVIEW', '人防办')];
    const refused = [...open, task('REJECTED', '住建局')];
    for (const t of open) {
      expect(isOverdue(t, open, late)).toBe(true);
      expect(isOverdue(t, refused, late)).toBe(false);
    }
  });
});

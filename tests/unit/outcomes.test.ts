/** Outcomes and attribution from a task's route and hand-offs, and the autonomy rule at its thresholds. */
import { describe, expect, it } from 'vitest';
import { deriveOutcome } from '../../src/analytics/outcomes';
import { MAX_EDIT_RATE, MAX_FLAG_RATE, MAX_REJECT_RATE, MIN_DECISIONS, suggest, type IntentFigures } from '../../src/analytics/autonomy';

const delivered = { status: 'delivered', gateRoute: 'deliver', gateCause: null } as const;
const held = (kind: string, action: string | 'expired') => ({
  kind,
  status: action === 'expired' ? 'expired' : 'resolved',
  resolution: action === 'expired' ? { expired: true } : { action },
});

describe('outcomes', () => {
  it.each([
    ['sent on its own', delivered, [], { resolvedBy: 'assistant', attribution: 'assistant', handedOver: false, handoffReason: null, approval: null }],
    [
      'approved as drafted',
      { ...delivered, gateRoute: 'await_approval', gateCause: 'policy' },
      [held('approval', 'approve')],
      { resolvedBy: 'assistant', attribution: 'assistant', approval: 'approve', handedOver: false },
    ],
    [
      'edited',
      { ...delivered, gateRoute: 'await_approval', gateCause: 'policy' },
      [held('approval', 'edit')],
      { resolvedBy: 'person', attribution: 'assistant_edited', approval: 'edit' },
    ],
    [
      'rejected',
      { status: 'closed', gateRoute: 'await_approval', gateCause: 'policy' },
      [held('approval', 'reject')],
      { resolvedBy: 'none', attribution: null, approval: 'reject' },
    ],
    [
      'replied by a person',
      { ...delivered, gateRoute: 'await_human', gateCause: 'customer_asked' },
      [held('escalation', 'reply')],
      { resolvedBy: 'person', attribution: 'person', handedOver: true, handoffReason: 'customer_asked' },
    ],
    [
      'handed back',
      { ...delivered, gateRoute: 'await_human', gateCause: 'low_confidence' },
      [held('escalation', 'handback')],
      { resolvedBy: 'assistant', attribution: 'assistant', handoffReason: 'low_confidence' },
    ],
    [
      'closed by a person',
      { status: 'closed', gateRoute: 'await_human', gateCause: 'policy' },
      [held('escalation', 'close')],
      { resolvedBy: 'person', attribution: null, handedOver: true },
    ],
    [
      'expired',
      { status: 'closed', gateRoute: 'await_human', gateCause: 'injection' },
      [held('escalation', 'expired')],
      { resolvedBy: 'none', handedOver: true, handoffReason: 'injection' },
    ],
    [
      'an approval nobody gave, then a person replied',
      { ...delivered, gateRoute: 'await_approval', gateCause: 'knowledge_missing' },
      [held('approval', 'expired'), held('escalation', 'reply')],
      { resolvedBy: 'person', attribution: 'person', handedOver: true, handoffReason: 'timeout', approval: 'expired' },
    ],
    ['failed', { status: 'failed', gateRoute: 'deliver', gateCause: null }, [], { resolvedBy: 'none', attribution: null }],
  ] as const)('when %s, then the outcome says so', (_what, task, handoffs, expected) => {
    expect(deriveOutcome(task, handoffs as never)).toMatchObject(expected);
  });
});

describe('autonomy suggestions', () => {
  const approve = (approved: number, edited: number, rejected: number): IntentFigures => ({
    intent: 'billing',
    trust: 'approve',
    approved,
    edited,
    rejected,
    replies: 0,
    flagged: 0,
  });
  it('when approvals clear every bar, then approve → auto is suggested with the figures; one short of any bar, nothing', () => {
    // 20 decided: 2 edits (10%) and 1 reject (5%) are exactly at the bars.
    const s = suggest(approve(17, 2, 1));
    expect(s).toMatchObject({
      intent: 'billing',
      from: 'approve',
      to: 'auto',
      figures: { decided: MIN_DECISIONS, editRate: MAX_EDIT_RATE, rejectRate: MAX_REJECT_RATE },
    });
    expect(s!.why).toContain('17 of 20 drafts were approved as written');
    expect(suggest(approve(16, 2, 1))).toBeUndefined(); // 19 decided
    expect(suggest(approve(17, 3, 1))).toBeUndefined(); // edits 14%
    expect(suggest(approve(18, 0, 2))).toBeUndefined(); // rejects 10%
  });

  it('when agents flag an auto intent’s replies often enough, then auto → approve is suggested', () => {
    const auto = (replies: number, flagged: number): IntentFigures => ({
      intent: 'question',
      trust: 'auto',
      approved: 0,
      edited: 0,
      rejected: 0,
      replies,
      flagged,
    });
    expect(suggest(auto(20, 2))).toMatchObject({ from: 'auto', to: 'approve', figures: { flagRate: MAX_FLAG_RATE } });
    expect(suggest(auto(20, 1))).toBeUndefined();
    expect(suggest(auto(19, 5))).toBeUndefined();
    expect(suggest({ ...auto(50, 40), trust: 'escalate' })).toBeUndefined();
  });
});

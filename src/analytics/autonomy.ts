/**
 * Autonomy earned: per intent, whether the approvals and flags of a window support moving it from
 * `approve` to `auto` (people keep sending the drafts as they are) or back (people flag its replies).
 * A suggestion with its figures; nothing changes until a person applies it (PUT the namespace's
 * `trustMatrix`). Pure: tests/unit/autonomy.test.ts holds the rule at its thresholds.
 */

/** At least this many decided approvals (or replies) before anything is suggested. */
export const MIN_DECISIONS = 20;
/** approve → auto when edits are at most this share of the decided approvals … */
export const MAX_EDIT_RATE = 0.1;
/** … and rejections at most this share. */
export const MAX_REJECT_RATE = 0.05;
/** auto → approve when agents flagged at least this share of its replies. */
export const MAX_FLAG_RATE = 0.1;

export interface IntentFigures {
  intent: string;
  /** The trust matrix's word for it now (`auto` when unset). */
  trust: 'auto' | 'approve' | 'escalate';
  approved: number;
  edited: number;
  rejected: number;
  /** Replies the assistant sent on its own, and how many of those agents flagged. */
  replies: number;
  flagged: number;
}

export interface Suggestion {
  intent: string;
  from: 'approve' | 'auto';
  to: 'auto' | 'approve';
  why: string;
  figures: { decided: number; editRate: number | null; rejectRate: number | null; replies: number; flagRate: number | null };
}

const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 1000) / 1000 : null);

export function figuresOf(f: IntentFigures) {
  const decided = f.approved + f.edited + f.rejected;
  return { decided, editRate: rate(f.edited, decided), rejectRate: rate(f.rejected, decided), replies: f.replies, flagRate: rate(f.flagged, f.replies) };
}

export function suggest(f: IntentFigures): Suggestion | undefined {
  const figures = figuresOf(f);
  if (f.trust === 'approve' && figures.decided >= MIN_DECISIONS && figures.editRate! <= MAX_EDIT_RATE && figures.rejectRate! <= MAX_REJECT_RATE) {
    return {
      intent: f.intent,
      from: 'approve',
      to: 'auto',
      why: `${f.approved} of ${figures.decided} drafts were approved as written (edited ${pct(figures.editRate)}, rejected ${pct(figures.rejectRate)}; the bar is at most ${pct(MAX_EDIT_RATE)} and ${pct(MAX_REJECT_RATE)} over at least ${MIN_DECISIONS})`,
      figures,
    };
  }
  if (f.trust === 'auto' && f.replies >= MIN_DECISIONS && figures.flagRate! >= MAX_FLAG_RATE) {
    return {
      intent: f.intent,
      from: 'auto',
      to: 'approve',
      why: `agents flagged ${f.flagged} of ${f.replies} replies sent on their own (${pct(figures.flagRate)}, the bar is ${pct(MAX_FLAG_RATE)}): have a person approve them again`,
      figures,
    };
  }
  return undefined;
}

function pct(r: number | null): string {
  return r === null ? 'n/a' : `${Math.round(r * 1000) / 10}%`;
}

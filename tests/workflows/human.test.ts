/** The checks on a person's decision, shared by the workflow's validators and the API. */
import { describe, expect, it } from 'vitest';
import { approvalProblems, escalationProblems, MAX_HUMAN_TEXT } from '../../src/workflows/human';

describe('escalationProblems', () => {
  it('when the body is valid, then there are no problems; text is needed only for reply', () => {
    expect(escalationProblems({ action: 'reply', text: 'Hi', agent: 'sam' })).toEqual([]);
    expect(escalationProblems({ action: 'handback', agent: 'sam' })).toEqual([]);
    expect(escalationProblems({ action: 'close', text: 'spam', agent: 'U024BE7LH' })).toEqual([]);
  });

  it('when the body is wrong in several ways, then every problem is listed', () => {
    expect(escalationProblems({ action: 'reply', text: '  ', agent: ' ', extra: 1 })).toEqual([
      'extra: not a known field',
      'agent: required, who decides (a name, an email, a Slack user id)',
      'text: required for reply (what the customer gets)',
    ]);
    expect(escalationProblems({ action: 'shout', text: 5, agent: 'a'.repeat(201) })).toEqual([
      'action: one of reply, handback, close',
      'agent: at most 200 characters',
      'text: must be a string',
    ]);
    expect(escalationProblems({ action: 'reply', text: 'x'.repeat(MAX_HUMAN_TEXT + 1), agent: 'sam' })).toEqual([`text: at most ${MAX_HUMAN_TEXT} characters`]);
    expect(escalationProblems(null)).toEqual(['body: must be an object { action, text?, agent, template? }']);
    expect(escalationProblems(['reply'])).toEqual(['body: must be an object { action, text?, agent, template? }']);
  });
});

describe('approvalProblems', () => {
  it('when the body is valid, then there are no problems; text is needed only for edit', () => {
    expect(approvalProblems({ decision: 'approve', agent: 'lee' })).toEqual([]);
    expect(approvalProblems({ decision: 'edit', text: 'Better words.', agent: 'lee' })).toEqual([]);
    expect(approvalProblems({ decision: 'reject', agent: 'lee' })).toEqual([]);
  });

  it('when the body is wrong, then every problem is listed', () => {
    expect(approvalProblems({ decision: 'edit', agent: 'lee' })).toEqual(['text: required for edit (the text the customer gets)']);
    expect(approvalProblems({ decision: 'maybe' })).toEqual([
      'decision: one of approve, edit, reject',
      'agent: required, who decides (a name, an email, a Slack user id)',
    ]);
    expect(approvalProblems('approve')).toEqual(['body: must be an object { decision, text?, agent }']);
  });

  it('when the agent is missing and an edit has no text, then both are listed: the rule across fields runs on any object', () => {
    expect(approvalProblems({ decision: 'edit', text: '\u200b ' })).toEqual([
      'agent: required, who decides (a name, an email, a Slack user id)',
      'text: required for edit (the text the customer gets)',
    ]);
    expect(escalationProblems({ action: 'reply', agent: 7, text: 3 })).toEqual([
      'agent: required, who decides (a name, an email, a Slack user id)',
      'text: must be a string',
      'text: required for reply (what the customer gets)',
    ]);
  });
});

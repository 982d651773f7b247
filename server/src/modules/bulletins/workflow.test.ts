import { describe, expect, it } from 'vitest';
import { BULLETIN_STATES, editMode, nextState, type Transition } from './workflow.js';

describe('bulletin workflow', () => {
  it('follows draft → submitted → approved → archived', () => {
    expect(nextState('draft', 'submit')).toBe('submitted');
    expect(nextState('submitted', 'approve')).toBe('approved');
    expect(nextState('approved', 'archive')).toBe('archived');
  });

  it('sends a rejected bulletin back for another submission', () => {
    expect(nextState('submitted', 'reject')).toBe('rejected');
    expect(nextState('rejected', 'submit')).toBe('submitted');
    expect(nextState('submitted', 'withdraw')).toBe('draft');
  });

  it('refuses every transition not in the workflow', () => {
    const allowed = new Set([
      'draft:submit',
      'rejected:submit',
      'submitted:withdraw',
      'submitted:approve',
      'submitted:reject',
      'draft:archive',
      'submitted:archive',
      'approved:archive',
      'rejected:archive',
      'draft:approveOnSend',
      'rejected:approveOnSend',
      'submitted:approveOnSend',
    ]);
    const all: Transition[] = ['submit', 'withdraw', 'approve', 'reject', 'archive', 'approveOnSend'];
    for (const s of BULLETIN_STATES)
      for (const t of all) {
        if (allowed.has(`${s}:${t}`)) expect(() => nextState(s, t)).not.toThrow();
        else expect(() => nextState(s, t), `${s}:${t}`).toThrow(/cannot/);
      }
  });

  it('edits drafts in place, versions approved content, refuses to edit what is under review', () => {
    expect(editMode('draft')).toBe('in-place');
    expect(editMode('rejected')).toBe('in-place');
    expect(editMode('approved')).toBe('new-version');
    expect(editMode('archived')).toBe('new-version');
    expect(() => editMode('submitted')).toThrow(/withdraw/);
  });
});

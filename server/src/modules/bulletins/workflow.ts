import { AppError } from '../../errors.js';

/** The approval workflow of a bulletin version (issue 4): draft → submitted → approved | rejected → archived. */
export const BULLETIN_STATES = ['draft', 'submitted', 'approved', 'rejected', 'archived'] as const;
export type BulletinState = (typeof BULLETIN_STATES)[number];

export type Transition = 'submit' | 'withdraw' | 'approve' | 'reject' | 'archive' | 'approveOnSend';

const FROM: Record<Transition, readonly BulletinState[]> = {
  submit: ['draft', 'rejected'],
  withdraw: ['submitted'],
  approve: ['submitted'],
  reject: ['submitted'],
  archive: ['draft', 'submitted', 'approved', 'rejected'],
  approveOnSend: ['draft', 'rejected', 'submitted'],
};

const TO: Record<Transition, BulletinState> = {
  submit: 'submitted',
  withdraw: 'draft',
  approve: 'approved',
  reject: 'rejected',
  archive: 'archived',
  approveOnSend: 'approved',
};

/** The state a transition leads to, or a 409 that says why it cannot happen now. */
export function nextState(current: BulletinState, t: Transition): BulletinState {
  if (!FROM[t].includes(current))
    throw new AppError('conflict', `cannot ${t} a bulletin that is ${current} (allowed from: ${FROM[t].join(', ')})`);
  return TO[t];
}

/**
 * How an edit applies: drafts and rejected versions change in place (and become drafts); a submitted
 * version must be withdrawn first; approved and archived versions are immutable, so the edit starts a
 * new version that needs approval again.
 */
export function editMode(current: BulletinState): 'in-place' | 'new-version' {
  if (current === 'draft' || current === 'rejected') return 'in-place';
  if (current === 'submitted') throw new AppError('conflict', 'withdraw the submitted bulletin before editing it');
  return 'new-version';
}

// The learner takes the decision the proposer announces (the seed, step 5).
import type { Input, StepResult } from '../../src/model.ts';
import type { LearnerState, PaxosMsg, PaxosObs, ProposeRequest } from './types.ts';

const NONE = {};

export function initLearner(): LearnerState {
  return { role: 'learner', learned: null };
}

export function stepLearner(s: LearnerState, input: Input<PaxosMsg, ProposeRequest>): StepResult<LearnerState, PaxosMsg, PaxosObs> {
  if (input.kind !== 'deliver' || input.msg.t !== 'Learn' || s.learned !== null) return { state: s, effects: NONE };
  const v = input.msg.v;
  return { state: { role: 'learner', learned: v }, effects: { observe: [{ t: 'learned', v }] } };
}

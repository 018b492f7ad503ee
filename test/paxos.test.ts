// Paxos: the acceptor and proposer rules driven directly, the correct model over
// many runs, every mutant found, every invariant shown to bite, and the vacuity
// guard (the runs reach the states that matter).
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paxosModel, type AcceptorState, type PaxosConfig, type ProposerState } from '../models/paxos/index.ts';
import { paxosProtocol } from '../properties/paxos.ts';
import { runArb } from '../src/explore/arbitrary.ts';
import { runCheck } from '../src/explore/check.ts';
import { runSchedule } from '../src/run.ts';

const p = paxosProtocol();
const cfg: PaxosConfig = p.defaultConfig(null);
const A0 = 2; // node ids: P0 P1 A0 A1 A2 L0

describe('acceptor rules (the seed: two promises, one answer)', () => {
  const acc = (promised: number, ab = 0, av: string | null = null): AcceptorState => ({ role: 'acceptor', promised, acceptedBallot: ab, acceptedValue: av });

  it('promises only a Prepare strictly above its promise, and reports its accepted proposal', () => {
    const r = paxosModel.step(acc(33, 32, 'v0'), { kind: 'deliver', from: 0, msg: { t: 'Prepare', b: 64 } }, A0, cfg);
    expect(r.state).toMatchObject({ promised: 64 });
    expect(r.effects.send).toEqual([{ to: 0, msg: { t: 'Promise', b: 64, vb: 32, v: 'v0' } }]);
    const same = paxosModel.step(acc(64), { kind: 'deliver', from: 0, msg: { t: 'Prepare', b: 64 } }, A0, cfg);
    expect(same.effects.send?.[0].msg.t).toBe('Nack');
  });

  it('accepts a Propose at or above its promise, never below', () => {
    const at = paxosModel.step(acc(64), { kind: 'deliver', from: 0, msg: { t: 'Propose', b: 64, v: 'v0' } }, A0, cfg);
    expect(at.state).toMatchObject({ acceptedBallot: 64, acceptedValue: 'v0' });
    const below = paxosModel.step(acc(65), { kind: 'deliver', from: 0, msg: { t: 'Propose', b: 64, v: 'v0' } }, A0, cfg);
    expect(below.state).toMatchObject({ acceptedBallot: 0 });
    expect(below.effects.send?.[0].msg).toEqual({ t: 'Nack', b: 64, promised: 65 });
  });

  it('keeps promise and accepted proposal across a crash', () => {
    const s = acc(65, 64, 'v1');
    expect(paxosModel.recover(paxosModel.durable(s, A0, cfg), A0, cfg)).toEqual(s);
  });
});

describe('proposer rules', () => {
  it('proposes the value of the highest-numbered accepted proposal among a quorum of promises', () => {
    let s = paxosModel.step(paxosModel.init(0, cfg), { kind: 'client', request: { value: 'v0' } }, 0, cfg).state as ProposerState;
    expect(s.ballot).toBe(32);
    const b = s.ballot;
    s = paxosModel.step(s, { kind: 'deliver', from: 2, msg: { t: 'Promise', b, vb: 1 * 32 + 1 - 32 + 32, v: 'low' } }, 0, cfg).state as ProposerState;
    const r = paxosModel.step(s, { kind: 'deliver', from: 3, msg: { t: 'Promise', b, vb: 0, v: null } }, 0, cfg);
    expect(r.effects.send?.map((x) => x.msg)).toEqual([0, 1, 2].map(() => ({ t: 'Propose', b, v: 'low' })));
  });

  it('uses unique ballots across proposers and rounds', () => {
    const b0 = (paxosModel.step(paxosModel.init(0, cfg), { kind: 'client', request: { value: 'a' } }, 0, cfg).state as ProposerState).ballot;
    const b1 = (paxosModel.step(paxosModel.init(1, cfg), { kind: 'client', request: { value: 'b' } }, 1, cfg).state as ProposerState).ballot;
    expect(b0).not.toBe(b1);
  });
});

describe('the correct model', () => {
  it('holds over 10,000 fast-check runs (crashes, drops, duplicates, partitions)', () => {
    fc.assert(
      fc.property(runArb(p, null), ({ cfg, choices }) => {
        const r = runSchedule(p, cfg, choices);
        if (r.violation) throw new Error(`${r.violation.invariant}: ${r.violation.message}`);
      }),
      { numRuns: 10_000, seed: 20261124 },
    );
  });

  it('reaches the states that matter (vacuity guard)', () => {
    const r = runCheck(p, { runs: 2000, seed: 7, mutant: null });
    expect(r.failure).toBeNull();
    const rate = (name: string) => r.reach[name] / r.runs;
    expect(rate('value chosen')).toBeGreaterThan(0.95);
    expect(rate('two proposers competed')).toBeGreaterThan(0.4);
    expect(rate('proposer adopted an accepted value')).toBeGreaterThan(0.3);
    expect(rate('proposer was refused (Nack)')).toBeGreaterThan(0.3);
    // 0.85% (17 of 2,000) under the swarm default, where half the runs leave crashes out.
    expect(rate('acceptor crashed after voting')).toBeGreaterThan(0.004);
  });
});

describe('mutants', () => {
  it.each(p.mutants.map((m) => m.name))('%s is found within 20,000 runs (seed 1)', (name) => {
    const r = runCheck(p, { runs: 20_000, seed: 1, mutant: name });
    expect(r.failure, `${name} not found`).not.toBeNull();
  });

  // Each invariant, checked alone, catches at least this mutant.
  const bites: Record<string, string> = {
    UniqueBallots: 'shared-ballots',
    AtMostOneChosen: 'ignore-accepted',
    ChosenValueStable: 'volatile-accepted',
    OneValuePerBallot: 'resend-own-value',
    Validity: 'invent-value',
    LearnerAgreement: 'learn-early',
    PromiseMonotonic: 'volatile-promise',
    AcceptAtOrAbovePromise: 'accept-below-promise',
    PromiseOnlyAbove: 'promise-ge',
    PromiseCoversAccepted: 'accept-keeps-promise',
    ValueChosen: 'accept-gt',
    LearnersLearn: 'accept-gt',
  };

  it('every invariant and liveness property is listed here', () => {
    const names = [...p.invariants(cfg).map((i) => i.name), ...p.liveness.map((l) => l.name)];
    expect(Object.keys(bites).sort()).toEqual(names.sort());
  });

  it.each(Object.entries(bites))('%s alone catches %s', (inv, mutant) => {
    const r = runCheck(p, { runs: 50_000, seed: 1, mutant, only: [inv], noShrink: true });
    expect(r.failure?.violation.invariant).toBe(inv);
  });
});

#!/usr/bin/env node
// A Paxos acceptor written independently of zoocheck's model, in plain
// JavaScript, speaking zoocheck's JSON-lines implementation protocol on
// stdin/stdout. Run under zoocheck:
//   npx zoocheck check paxos --impl "node examples/paxos-acceptor/acceptor.cjs" --impl-role acceptor
//
// Every request carries the node's state and gets the next state back, so this
// process keeps nothing between lines. Its state keeps the three fields
// zoocheck's Paxos invariants read (promised, acceptedBallot, acceptedValue).
'use strict';
const readline = require('node:readline');

// Set by acceptor-buggy.cjs: which corner this copy cuts.
const BUG = process.env.ACCEPTOR_BUG || '';

function fresh() {
  return { role: 'acceptor', promised: 0, acceptedBallot: 0, acceptedValue: null };
}

function reply(to, msg) {
  return { to, msg };
}

function onMessage(state, from, msg) {
  if (msg.t === 'Prepare') {
    // Phase 1b: promise only ballots above anything promised before.
    if (msg.b <= state.promised) {
      if (BUG === 'silent-refusal') return { state };
      return { state, send: [reply(from, { t: 'Nack', b: msg.b, promised: state.promised })] };
    }
    const next = Object.assign({}, state, { promised: msg.b });
    return { state: next, send: [reply(from, { t: 'Promise', b: msg.b, vb: state.acceptedBallot, v: state.acceptedValue })] };
  }
  if (msg.t === 'Propose') {
    // Phase 2b: vote unless a higher ballot was promised.
    if (msg.b < state.promised) return { state, send: [reply(from, { t: 'Nack', b: msg.b, promised: state.promised })] };
    const next = { role: 'acceptor', promised: Math.max(state.promised, msg.b), acceptedBallot: msg.b, acceptedValue: msg.v };
    return { state: next, send: [reply(from, { t: 'Accept', b: msg.b })] };
  }
  return { state };
}

function handle(req) {
  switch (req.op) {
    case 'init':
      return { state: fresh() };
    case 'step': {
      const input = req.input;
      if (input.kind === 'deliver') return onMessage(req.state, input.from, input.msg);
      return { state: req.state };
    }
    case 'durable': {
      const s = req.state;
      if (BUG === 'forget-promise') return { durable: { acceptedBallot: s.acceptedBallot, acceptedValue: s.acceptedValue } };
      return { durable: { promised: s.promised, acceptedBallot: s.acceptedBallot, acceptedValue: s.acceptedValue } };
    }
    case 'recover': {
      const d = req.durable;
      return { state: { role: 'acceptor', promised: d.promised || 0, acceptedBallot: d.acceptedBallot, acceptedValue: d.acceptedValue } };
    }
    default:
      return { error: `unknown op ${req.op}` };
  }
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let out;
  try {
    out = handle(JSON.parse(line));
  } catch (e) {
    out = { error: String(e && e.message) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
rl.on('close', () => process.exit(0));

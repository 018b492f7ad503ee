// Simulated steps per second: the step loop alone (model step, scheduler,
// invariants, ghost), over pre-generated runs, after a warm-up pass.
import type { BaseConfig } from '../src/model.ts';
import type { Protocol } from '../src/protocol.ts';
import { generateRun, runArb } from '../src/explore/arbitrary.ts';
import { runSchedule } from '../src/run.ts';

export interface ThroughputRow {
  model: string;
  config: string;
  runs: number;
  steps: number;
  stepsPerSec: number;
  /** Steps per second of this process's CPU time: the one-core rate when other work shares the machine. */
  stepsPerCpuSec: number;
}

export function throughput<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, label: string, fix: (cfg: Cfg) => Cfg, runs = 2000, minMs = 1500): ThroughputRow {
  const arb = runArb(p, null);
  const inputs = Array.from({ length: runs }, (_, i) => {
    const v = generateRun(arb, 4242, i).value;
    return { cfg: fix(v.cfg), choices: v.choices };
  });
  const pass = () => {
    let steps = 0;
    for (const x of inputs) steps += runSchedule(p, x.cfg, x.choices).steps;
    return steps;
  };
  pass();
  let steps = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let passes = 0;
  do {
    steps += pass();
    passes++;
  } while (performance.now() - t0 < minMs);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { model: p.name, config: label, runs: runs * passes, steps, stepsPerSec: Math.round((steps / ms) * 1000), stepsPerCpuSec: Math.round((steps / cpuMs) * 1000) };
}

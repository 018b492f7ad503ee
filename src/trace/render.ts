// Reading a trace: as aligned text, and as a Mermaid sequence diagram.
import type { TraceEvent } from './events.ts';
import type { TraceFile } from './format.ts';
import { causalSlice } from './slice.ts';

/** One line per event, so the text and HTML views word events the same way. */
export function describe(e: TraceEvent): string {
  switch (e.action) {
    case 'start':
      return `${e.node} starts`;
    case 'deliver':
      return e.linkDown ? `${e.node} learns its connection to ${e.from} broke` : `${e.from} → ${e.to}  ${e.text}`;
    case 'fire':
      return `${e.node} timer ${e.timer} fires`;
    case 'client':
      return `client → ${e.node}  ${e.text}`;
    case 'drop':
      return e.text !== undefined ? `network drops ${e.from} → ${e.to}  ${e.text}` : `connection ${e.from} ↔ ${e.to} breaks`;
    case 'duplicate':
      return `network duplicates ${e.from} → ${e.to}  ${e.text}`;
    case 'partition':
      return `partition {${e.groups?.[0].join(',')}} | {${e.groups?.[1].join(',')}}`;
    case 'heal':
      return 'partition heals';
    case 'crash':
      return `${e.node} crashes`;
    case 'restart':
      return `${e.node} restarts from its durable state`;
    default:
      return e.action;
  }
}

const PHASE_HEADINGS: Record<TraceEvent['phase'], string> = {
  start: '-- start',
  warmup: '-- warm start (fair, fault-free, until the system is up)',
  adversary: '-- adversarial schedule',
  suffix: '-- fair suffix (heal, restart, deliver, fire timers)',
};

/**
 * The trace as text. With a violation, the steps in its causal slice (slice.ts)
 * are marked `*`, the violating one `!!`, and each run of two or more other
 * steps is folded into one line; `full` shows every step.
 */
export function renderText(t: TraceFile, opts: { full?: boolean } = {}): string {
  const out: string[] = [];
  const mut = t.mutant ?? 'none (correct model)';
  out.push(`zoocheck trace  model=${t.model}  mutant=${mut}  seed=${t.seed ?? '-'}  run=${t.run ?? '-'}  choices=${t.choices.length}`);
  out.push(`config: ${JSON.stringify(t.config)}`);
  out.push(`nodes: ${t.nodes.join(' ')}`);
  const slice = causalSlice(t);
  const fold = !opts.full && slice.size > 0;
  if (slice.size > 0) out.push(`causal slice: ${slice.size} of ${t.events.length} steps lead to the violation (marked *)${fold ? '; the others are folded' : ''}`);
  out.push('');
  let phase = '';
  let folded: number[] = [];
  const flush = () => {
    if (folded.length === 1) line(folded[0]);
    else if (folded.length > 1) out.push(`     … ${folded.length} steps outside the causal slice (${t.events[folded[0]].step}-${t.events[folded[folded.length - 1]].step})`);
    folded = [];
  };
  const line = (i: number) => {
    const e = t.events[i];
    const marker = t.violation !== null && e.step === t.violation.step && e.phase !== 'start' ? '!!' : slice.has(i) ? ' *' : '  ';
    out.push(`${marker}${String(e.step).padStart(4)}  ${describe(e)}`);
    if (e.sends && e.sends.length > 0) out.push(`        sends ${e.sends.map((s) => `${s.to}:${s.text}`).join(', ')}`);
    if (e.observe && e.observe.length > 0) out.push(`        observes ${e.observe.join('; ')}`);
  };
  t.events.forEach((e, i) => {
    if (e.phase !== phase) {
      flush();
      phase = e.phase;
      out.push(PHASE_HEADINGS[e.phase]);
    }
    if (fold && !slice.has(i)) folded.push(i);
    else {
      flush();
      line(i);
    }
  });
  flush();
  out.push('');
  if (t.violation) out.push(`VIOLATION ${t.violation.invariant} (${t.violation.kind}) at step ${t.violation.step}: ${t.violation.message}`);
  else out.push('no violation: every invariant held');
  return out.join('\n') + '\n';
}

function mermaidId(label: string): string {
  return label.replace(/[^A-Za-z0-9_]/g, '_');
}

function mermaidText(s: string): string {
  return s.replace(/[;#]/g, ' ').replace(/\n/g, ' ');
}

export function renderMermaid(t: TraceFile): string {
  const out: string[] = ['sequenceDiagram'];
  for (const n of t.nodes) out.push(`  participant ${mermaidId(n)} as ${n}`);
  const first = mermaidId(t.nodes[0]);
  const last = mermaidId(t.nodes[t.nodes.length - 1]);
  for (const e of t.events) {
    const at = `#${e.step}`;
    switch (e.action) {
      case 'deliver':
        if (e.linkDown) out.push(`  Note over ${mermaidId(e.to!)}: ${at} link to ${e.from} down`);
        else out.push(`  ${mermaidId(e.from!)}->>${mermaidId(e.to!)}: ${at} ${mermaidText(e.text ?? '')}`);
        break;
      case 'client':
        out.push(`  Note over ${mermaidId(e.node!)}: ${at} client: ${mermaidText(e.text ?? '')}`);
        break;
      case 'fire':
        out.push(`  Note over ${mermaidId(e.node!)}: ${at} timeout ${e.timer}`);
        break;
      case 'drop':
        if (e.text !== undefined) out.push(`  ${mermaidId(e.from!)}-x${mermaidId(e.to!)}: ${at} DROPPED ${mermaidText(e.text)}`);
        else out.push(`  Note over ${mermaidId(e.from!)},${mermaidId(e.to!)}: ${at} connection breaks`);
        break;
      case 'duplicate':
        out.push(`  Note over ${mermaidId(e.from!)},${mermaidId(e.to!)}: ${at} duplicated ${mermaidText(e.text ?? '')}`);
        break;
      case 'partition':
        out.push(`  Note over ${first},${last}: ${at} partition ${e.groups?.[0].join(',')} / ${e.groups?.[1].join(',')}`);
        break;
      case 'heal':
        out.push(`  Note over ${first},${last}: ${at} heal`);
        break;
      case 'crash':
        out.push(`  Note over ${mermaidId(e.node!)}: ${at} CRASH`);
        break;
      case 'restart':
        out.push(`  Note over ${mermaidId(e.node!)}: ${at} restart`);
        break;
      default:
        break;
    }
    if (e.observe && e.observe.length > 0 && e.node) out.push(`  Note right of ${mermaidId(e.node)}: ${mermaidText(e.observe.join('; '))}`);
  }
  if (t.violation) out.push(`  Note over ${first},${last}: VIOLATION ${t.violation.invariant} at #${t.violation.step}: ${mermaidText(t.violation.message)}`);
  return out.join('\n') + '\n';
}

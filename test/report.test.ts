// The HTML report as a string: lanes, message pairing, escaping of model text,
// byte-for-byte determinism, and the `zoocheck report` command's contract.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../src/report/html.ts';
import { layout } from '../src/report/layout.ts';
import type { TraceEvent } from '../src/trace/events.ts';
import { readTrace, TRACE_FORMAT, type TraceFile } from '../src/trace/format.ts';
import { ROOT, zoocheck } from './helpers/cli.ts';

const VOLATILE = join(ROOT, 'traces', 'paxos', 'volatile-accepted.json');
const tmp = mkdtempSync(join(tmpdir(), 'zoocheck-report-'));

function trace(nodes: string[], events: TraceEvent[], violation: TraceFile['violation'] = null): TraceFile {
  return { format: TRACE_FORMAT, model: 'synthetic', mutant: null, config: {}, seed: 1, run: 0, choices: [], violation, nodes, events };
}

const EVIL = '</script><script>alert(2)</script>';

// Over FIFO links (a connection break is in the trace): losses happen at the
// crash and at the break, and a message is still in flight at the end.
function fifoTrace(): TraceFile {
  const hello = (n: number) => ({ t: 'Hello', n });
  return trace(
    ['s0', 's1', 's2'],
    [
      { step: 0, phase: 'start', action: 'start', node: 's0', sends: [{ to: 's1', msg: hello(0), text: 'Hello(0)' }], state: { up: 1 } },
      { step: 0, phase: 'start', action: 'start', node: 's1', state: { up: 1 } },
      { step: 0, phase: 'start', action: 'start', node: 's2', state: { up: 1 } },
      {
        step: 4,
        phase: 'adversary',
        action: 'deliver',
        from: 's0',
        to: 's1',
        msg: hello(0),
        text: 'Hello(0)',
        node: 's1',
        sends: [
          { to: 's0', msg: { t: 'Ack' }, text: 'Ack' },
          { to: 's2', msg: { t: 'Ping' }, text: 'Ping' },
        ],
        state: { up: 2 },
      },
      { step: 5, phase: 'adversary', action: 'drop', from: 's1', to: 's2' },
      { step: 6, phase: 'adversary', action: 'deliver', from: 's2', to: 's1', linkDown: true, node: 's1', state: { up: 3 } },
      { step: 7, phase: 'adversary', action: 'crash', node: 's0' },
      { step: 8, phase: 'suffix', action: 'restart', node: 's0', state: { up: 0 } },
      { step: 9, phase: 'suffix', action: 'fire', timer: 'retry', node: 's0', sends: [{ to: 's1', msg: hello(1), text: 'Hello(1)' }], state: { up: 0 } },
      {
        step: 10,
        phase: 'suffix',
        action: 'client',
        request: { v: '<script>alert(1)</script>' },
        text: 'write <script>alert(1)</script>',
        node: 's1',
        sends: [{ to: 's0', msg: { t: 'Evil', v: EVIL }, text: `Evil(${EVIL})` }],
        state: { note: EVIL },
      },
      { step: 11, phase: 'suffix', action: 'partition', groups: [['s0', 's1'], ['s2']] },
      { step: 12, phase: 'suffix', action: 'heal' },
      { step: 13, phase: 'suffix', action: 'deliver', from: 's1', to: 's0', msg: { t: 'Evil', v: EVIL }, text: `Evil(${EVIL})`, node: 's0', state: { up: 4 } },
    ],
    { invariant: 'No<Evil>', kind: 'safety', step: 13, message: 'got <img src=x onerror=alert(3)> & more' },
  );
}

describe('layout', () => {
  it('pairs sends with deliveries and marks FIFO losses where they happen', () => {
    const L = layout(fifoTrace());
    expect(L.fifo).toBe(true);
    const got = L.arrows.map((a) => [a.text.slice(0, 8), a.from, a.to, a.fate, a.src, a.dst]);
    expect(got).toEqual([
      ['Hello(0)', 's0', 's1', 'delivered', 0, 3],
      ['Ack', 's1', 's0', 'lost', 3, 6],
      ['Ping', 's1', 's2', 'lost', 3, 4],
      ['Hello(1)', 's0', 's1', 'pending', 8, null],
      ['Evil(</s', 's1', 's0', 'delivered', 9, 12],
    ]);
    expect(L.down).toEqual([{ lane: 's0', start: 6, end: 7 }]);
    expect(L.cut).toEqual([{ lane: 's2', start: 10, end: 11 }]);
    expect(L.violation).toBe(12);
    // One row for the three starts, one per later event, one per phase.
    expect(L.rows.filter((r) => r.kind === 'phase').map((r) => (r.kind === 'phase' ? r.phase : ''))).toEqual(['start', 'adversary', 'suffix']);
    expect(L.rows.filter((r) => r.kind === 'events')).toHaveLength(1 + 10);
  });

  it('over datagrams, a duplicate is a second copy that can be delivered or dropped', () => {
    const x = { t: 'X' };
    const L = layout(
      trace(
        ['A', 'B'],
        [
          { step: 0, phase: 'start', action: 'start', node: 'A', sends: [{ to: 'B', msg: x, text: 'X' }] },
          { step: 0, phase: 'start', action: 'start', node: 'B' },
          { step: 3, phase: 'adversary', action: 'duplicate', from: 'A', to: 'B', msg: x, text: 'X' },
          { step: 4, phase: 'adversary', action: 'deliver', from: 'A', to: 'B', msg: x, text: 'X', node: 'B' },
          { step: 5, phase: 'adversary', action: 'drop', from: 'A', to: 'B', msg: x, text: 'X' },
        ],
      ),
    );
    expect(L.fifo).toBe(false);
    expect(L.arrows.map((a) => [a.dup, a.fate, a.src, a.dst])).toEqual([
      [false, 'delivered', 0, 3],
      [true, 'dropped', 2, 4],
    ]);
  });
});

describe('renderHtml', () => {
  const t = readTrace(VOLATILE);
  const html = renderHtml(t);

  it('draws one lane header per node, in trace order', () => {
    const lanes = [...html.matchAll(/data-lane="([^"]*)"/g)].map((m) => m[1]);
    expect(lanes).toEqual(t.nodes);
  });

  it('draws an arrow per message copy, one delivered arrow per delivery', () => {
    const arrows = [...html.matchAll(/<g class="arrow ([a-z ]+)" data-arrow=/g)].map((m) => m[1].split(' ')[0]);
    const sends = t.events.reduce((n, e) => n + (e.sends?.length ?? 0), 0);
    expect(arrows).toHaveLength(sends);
    expect(arrows.filter((f) => f === 'delivered')).toHaveLength(t.events.filter((e) => e.action === 'deliver' && !e.linkDown).length);
    expect(arrows).toContain('pending');
  });

  it('marks every step, the phases, and exactly one violating row with its invariant', () => {
    for (const e of t.events) expect(html).toContain(`data-step="${e.step}"`);
    for (const p of ['start', 'adversary', 'suffix']) expect(html).toContain(`data-phase="${p}"`);
    const viol = [...html.matchAll(/<div [^>]*data-violation[^>]*>/g)];
    expect(viol).toHaveLength(1);
    expect(viol[0][0]).toContain(`data-step="${t.violation!.step}"`);
    const banner = /<header[^>]*data-banner[^>]*>[\s\S]*?<\/header>/.exec(html)![0];
    expect(banner).toContain(t.violation!.invariant);
    expect(banner).toContain(t.violation!.message);
  });

  it('is self-contained: nothing is fetched', () => {
    const withoutNs = html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '');
    expect(withoutNs).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link\b|(?<![\w-])src=|@import|url\(/i);
  });

  it('is deterministic: same trace, same bytes', () => {
    expect(renderHtml(readTrace(VOLATILE))).toBe(html);
    expect(renderHtml(structuredClone(t))).toBe(html);
    const f = fifoTrace();
    expect(renderHtml(f)).toBe(renderHtml(fifoTrace()));
  });

  it('escapes model text everywhere: markup, attributes and the embedded data', () => {
    const out = renderHtml(fifoTrace());
    expect(out).not.toContain('<script>alert');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('No<Evil>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('No&lt;Evil&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(3)&gt; &amp; more');
    // Only the page's own two script elements close.
    expect(out.match(/<\/script>/g)).toHaveLength(2);
    const json = /<script type="application\/json" id="zc-data">([\s\S]*?)<\/script>/.exec(out)![1];
    const data = JSON.parse(json) as { events: { desc: string; state?: unknown }[] };
    expect(data.events[9].desc).toBe('client → s1  write <script>alert(1)</script>');
    expect(data.events[9].state).toEqual({ note: EVIL });
  });

  it('renders a trace with no violation and a green banner', () => {
    const t2 = { ...t, violation: null };
    const out = renderHtml(t2);
    expect(out).toContain('No violation');
    expect(out).not.toContain('data-violation');
  });
});

describe('zoocheck report', () => {
  it('writes the page, prints its path, exits 0', () => {
    const out = join(tmp, 'sub', 'va.html');
    const r = zoocheck(['report', VOLATILE, '--html', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(out);
    expect(readFileSync(out, 'utf8')).toBe(renderHtml(readTrace(VOLATILE)));
  });

  it('bad input exits 2 with one line and writes nothing', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"format":"zoocheck-trace/1","model":""}');
    const out = join(tmp, 'never.html');
    for (const args of [
      ['report', bad, '--html', out],
      ['report', join(tmp, 'missing.json'), '--html', out],
      ['report', VOLATILE],
    ]) {
      const r = zoocheck(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(out)).toBe(false);
  });
});

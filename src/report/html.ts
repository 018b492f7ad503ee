// `zoocheck report --html`: one self-contained page per trace. Swimlanes are
// HTML rows (so headers can stick and rows can be clicked) under one SVG layer
// whose coordinates are computed here, not measured in the browser: the output
// is a pure function of the trace, byte for byte.
import type { TraceEvent } from '../trace/events.ts';
import type { TraceFile } from '../trace/format.ts';
import { describe } from '../trace/render.ts';
import { causalSlice } from '../trace/slice.ts';
import { CLIENT_JS, CSS } from './assets.ts';
import { type Arrow, type Layout, layout } from './layout.ts';

const ROW_H = 22;
const PHASE_H = 24;
const GUTTER = 56;

// Red, orange, violet and green mean faults, partitions and recovery here, so
// message colours stay clear of them.
const PALETTE = ['#2563eb', '#0d9488', '#a21caf', '#4f46e5', '#0e7490', '#b45309', '#4d7c0f', '#be185d', '#1e40af', '#047857'];

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** JSON inside a <script> element: no "<" may survive, or "</script>" in a model string ends the block. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function n1(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

const PHASE_LABEL: Record<TraceEvent['phase'], string> = {
  start: 'start',
  warmup: 'warm start: fair, fault-free steps until the system is up',
  adversary: 'adversarial schedule: every step is a choice of the checker, faults allowed',
  suffix: 'fair suffix: heal, restart, deliver in order, fire timers',
};

function laneWidth(n: number): number {
  if (n <= 6) return 104;
  return Math.max(64, Math.floor(700 / n));
}

interface Geo {
  laneW: number;
  lane: Map<string, number>;
  rowTop: number[];
  rowH: number[];
  height: number;
  x(node: string | undefined): number | null;
  y(ev: number): number;
}

function geometry(t: TraceFile, L: Layout): Geo {
  const laneW = laneWidth(t.nodes.length);
  const lane = new Map<string, number>();
  t.nodes.forEach((n, i) => lane.set(n, i));
  const rowTop: number[] = [];
  const rowH: number[] = [];
  let y = 0;
  for (const r of L.rows) {
    rowTop.push(y);
    const h = r.kind === 'phase' ? PHASE_H : ROW_H;
    rowH.push(h);
    y += h;
  }
  return {
    laneW,
    lane,
    rowTop,
    rowH,
    height: y + ROW_H,
    x(node) {
      if (node === undefined) return null;
      const i = lane.get(node);
      return i === undefined ? null : i * laneW + laneW / 2;
    },
    y(ev) {
      const r = L.rowOf[ev];
      return rowTop[r] + rowH[r] / 2;
    },
  };
}

function roleOf(t: TraceFile, node: string): string | null {
  for (const e of t.events) {
    if (e.node === node && e.state !== null && typeof e.state === 'object' && !Array.isArray(e.state)) {
      const s = e.state as Record<string, unknown>;
      const r = s.role ?? s.kind;
      if (typeof r === 'string') return r;
      return null;
    }
  }
  return null;
}

function title(text: string): string {
  return `<title>${esc(text)}</title>`;
}

function label(x: number, y: number, text: string, cls: string, anchor: 'start' | 'middle' | 'end' = 'start'): string {
  return `<text class="${cls}" x="${n1(x)}" y="${n1(y)}" text-anchor="${anchor}">${esc(text)}</text>`;
}

// Labels use a monospace face, so their width is known here without measuring
// and a backing box can keep crossing lines from striking through them.
const CHAR_W = 6.33;

function boxed(x: number, y: number, text: string, cls: string, anchor: 'start' | 'end' = 'start'): string {
  const w = [...text].length * CHAR_W + 4;
  const x0 = anchor === 'start' ? x - 2 : x - w + 2;
  return `<rect class="lbox" x="${n1(x0)}" y="${n1(y - 10)}" width="${n1(w)}" height="13" rx="2"/>` + label(x, y, text, cls, anchor);
}

/** Cut text to at most `room` pixels (the full text stays in the row and its tooltip). */
function fit(text: string, room: number): string {
  const chars = [...text];
  const max = Math.max(1, Math.floor(room / CHAR_W));
  return chars.length <= max ? text : chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}

/** A marker's tag beside the span lo..hi of lanes: right of it if that fits inside the lanes, else left, else cut. */
function tagBeside(g: Geo, lo: number, hi: number, y: number, text: string, cls: string): string {
  const w = [...text].length * CHAR_W;
  const right = g.laneW * g.lane.size - hi - 12;
  const left = lo - 12;
  if (w <= right || right >= left) return boxed(hi + 9, y, fit(text, right), cls, 'start');
  return boxed(lo - 9, y, fit(text, left), cls, 'end');
}

function tagAt(g: Geo, x: number, y: number, text: string, cls: string): string {
  return tagBeside(g, x, x, y, text, cls);
}

function cross(x: number, y: number, r: number, cls: string): string {
  return `<path class="${cls}" d="M${n1(x - r)} ${n1(y - r)}L${n1(x + r)} ${n1(y + r)}M${n1(x - r)} ${n1(y + r)}L${n1(x + r)} ${n1(y - r)}"/>`;
}

function arrowSvg(a: Arrow, t: TraceFile, g: Geo, color: string, k: number): { line: string; text: string } {
  const xs = g.x(a.from);
  const xr = g.x(a.to);
  if (xs === null || xr === null) return { line: '', text: '' };
  const ys = g.y(a.src);
  const dir = xr >= xs ? 1 : -1;
  const at = (i: number) => t.events[i].step;
  let ex: number;
  let ey: number;
  let tip = '';
  let what: string;
  const cls = ['arrow', a.fate];
  if (a.dup) cls.push('dup');
  if (a.fate === 'delivered' && a.dst !== null) {
    ex = xr - dir * 6;
    ey = g.y(a.dst);
    what = `sent step ${at(a.src)}, delivered step ${at(a.dst)}`;
    const ux0 = ex - xs;
    const uy0 = ey - ys;
    const len = Math.hypot(ux0, uy0) || 1;
    const ux = ux0 / len;
    const uy = uy0 / len;
    const bx = ex - ux * 8;
    const by = ey - uy * 8;
    tip = `<path class="head" d="M${n1(ex)} ${n1(ey)}L${n1(bx - uy * 3.6)} ${n1(by + ux * 3.6)}L${n1(bx + uy * 3.6)} ${n1(by - ux * 3.6)}Z"/>`;
  } else if ((a.fate === 'dropped' || a.fate === 'lost') && a.dst !== null) {
    ex = xs + (xr - xs) * 0.55;
    ey = a.dst === a.src ? ys + ROW_H * 0.5 : g.y(a.dst);
    what = a.fate === 'dropped' ? `sent step ${at(a.src)}, dropped by the network at step ${at(a.dst)}` : `sent step ${at(a.src)}, lost with its connection at step ${at(a.dst)}`;
    tip = cross(ex, ey, 4, 'x');
  } else {
    ex = xs + (xr - xs) * 0.3;
    ey = ys + ROW_H * 0.8;
    what = `sent step ${at(a.src)}, never delivered`;
    tip = `<circle class="open" cx="${n1(ex)}" cy="${n1(ey)}" r="3"/>`;
  }
  const tooltip = `${a.from} → ${a.to}  ${a.text}${a.dup ? ' (duplicate copy)' : ''}: ${what}`;
  const d = `M${n1(xs)} ${n1(ys)}L${n1(ex)} ${n1(ey)}`;
  const ends = `data-src="${a.src}" data-dst="${a.dst ?? ''}" style="--c:${color}"`;
  let text = '';
  if (a.fate === 'delivered' && a.dst !== null) {
    // On the delivery row, past the receiver, where the incoming line is not:
    // that row holds only this event.
    // Labels go in a layer above every line so crossings never hide them.
    // When the outer lanes leave no room there, it goes just under the arrowhead
    // on the sender's side: the incoming line arrives from above, so that is free too.
    const w = [...a.text].length * CHAR_W;
    const lanesW = g.laneW * g.lane.size;
    const far = dir > 0 ? lanesW - xr - 12 : xr - 12;
    const near = dir > 0 ? xr - 8 : lanesW - xr - 8;
    const lbl =
      w <= far || far >= near
        ? boxed(xr + dir * 9, ey + 3.5, fit(a.text, far), 'mlabel', dir > 0 ? 'start' : 'end')
        : boxed(xr - dir * 6, ey + 12, fit(a.text, near), 'mlabel', dir > 0 ? 'end' : 'start');
    text = `<g class="albl" ${ends}>${lbl}</g>`;
  }
  return {
    line: `<g class="${cls.join(' ')}" data-arrow="${k}" ${ends}>${title(tooltip)}<path class="hit" d="${d}"/><path class="line" d="${d}"/>${tip}</g>`,
    text,
  };
}

function markerSvg(e: TraceEvent, i: number, g: Geo, isViolation: boolean, color: (text: string) => string, ended: Set<number>): string {
  const y = g.y(i);
  const x = g.x(e.node);
  const parts: string[] = [];
  const tip = title(`step ${e.step}: ${describe(e)}`);
  switch (e.action) {
    case 'start':
      if (x !== null) parts.push(`<circle class="m-start" cx="${n1(x)}" cy="${n1(y)}" r="3.5"/>`);
      break;
    case 'deliver':
      if (e.linkDown) {
        const xt = g.x(e.to ?? e.node);
        if (xt !== null) {
          parts.push(`<circle class="m-link" cx="${n1(xt)}" cy="${n1(y)}" r="4.5"/>`);
          parts.push(tagAt(g, xt, y + 3.5, `link to ${e.from} down`, 'tag warn'));
        }
      } else {
        const xt = g.x(e.to ?? e.node);
        if (xt !== null) parts.push(`<circle class="m-recv" cx="${n1(xt)}" cy="${n1(y)}" r="4" style="fill:${color(e.text ?? '')}"/>`);
      }
      break;
    case 'fire':
      if (x !== null) {
        parts.push(`<path class="m-timer" d="M${n1(x)} ${n1(y - 5.5)}L${n1(x + 5.5)} ${n1(y)}L${n1(x)} ${n1(y + 5.5)}L${n1(x - 5.5)} ${n1(y)}Z"/>`);
        parts.push(tagAt(g, x, y + 3.5, `timeout ${e.timer ?? ''}`, 'tag timer'));
      }
      break;
    case 'client':
      if (x !== null) {
        parts.push(`<rect class="m-client" x="${n1(x - 4.5)}" y="${n1(y - 4.5)}" width="9" height="9" rx="1.5"/>`);
        parts.push(tagAt(g, x, y + 3.5, `client: ${e.text ?? ''}`, 'tag client'));
      }
      break;
    case 'crash':
      if (x !== null) {
        parts.push(cross(x, y, 6, 'm-crash'));
        parts.push(tagAt(g, x, y + 4, 'CRASH', 'tag crash'));
      }
      break;
    case 'restart':
      if (x !== null) {
        parts.push(`<circle class="m-restart" cx="${n1(x)}" cy="${n1(y)}" r="5"/>`);
        parts.push(tagAt(g, x, y + 3.5, 'restart', 'tag ok'));
      }
      break;
    case 'drop': {
      const xa = g.x(e.from);
      const xb = g.x(e.to);
      if (xa === null || xb === null) break;
      if (e.text === undefined && e.msg === undefined) {
        // A broken connection: a jagged line between its two ends.
        const lo = Math.min(xa, xb);
        const hi = Math.max(xa, xb);
        let d = `M${n1(lo)} ${n1(y)}`;
        const steps = Math.max(2, Math.round((hi - lo) / 8));
        for (let k = 1; k <= steps; k++) d += `L${n1(lo + ((hi - lo) * k) / steps)} ${n1(y + (k % 2 === 1 ? -4 : 4) * (k === steps ? 0 : 1))}`;
        parts.push(`<path class="m-break" d="${d}"/>`);
        parts.push(tagBeside(g, lo, hi, y + 3.5, 'connection breaks', 'tag warn'));
      } else if (!ended.has(i)) {
        // Unpaired (its send is not in the trace): mark the loss between the ends.
        parts.push(cross((xa + xb) / 2, y, 4, 'x'));
      }
      break;
    }
    case 'duplicate': {
      const xa = g.x(e.from);
      if (xa !== null) {
        parts.push(`<rect class="m-dup" x="${n1(xa - 4)}" y="${n1(y - 4)}" width="8" height="8"/>`);
        parts.push(tagAt(g, xa, y + 3.5, `duplicate → ${e.to ?? ''}`, 'tag warn'));
      }
      break;
    }
    case 'partition': {
      const w = g.laneW * g.lane.size;
      parts.push(`<path class="m-part" d="M0 ${n1(y)}H${n1(w)}"/>`);
      (e.groups ?? []).forEach((side, k) => {
        for (const n of side) {
          const xn = g.x(n);
          if (xn === null) continue;
          parts.push(`<rect class="m-side s${k}" x="${n1(xn - 8)}" y="${n1(y - 7)}" width="16" height="14" rx="3"/>`);
          parts.push(label(xn, y + 3.5, k === 0 ? 'A' : 'B', 'side-l', 'middle'));
        }
      });
      break;
    }
    case 'heal': {
      const w = g.laneW * g.lane.size;
      parts.push(`<path class="m-heal" d="M0 ${n1(y)}H${n1(w)}"/>`);
      break;
    }
    default:
      break;
  }
  if (isViolation) {
    const xv = g.x(e.node ?? e.to);
    if (xv !== null) parts.push(`<circle class="m-viol" cx="${n1(xv)}" cy="${n1(y)}" r="9"/>`);
  }
  if (parts.length === 0) return '';
  return `<g class="mk" data-step="${e.step}" data-idx="${i}">${tip}${parts.join('')}</g>`;
}

function sendsSummary(e: TraceEvent): string {
  if (!e.sends || e.sends.length === 0) return '';
  const byText = new Map<string, string[]>();
  for (const s of e.sends) byText.set(s.text, [...(byText.get(s.text) ?? []), s.to]);
  return [...byText].map(([text, to]) => `${text} → ${to.join(' ')}`).join('; ');
}

function legendSvg(body: string): string {
  return `<svg class="lg" width="18" height="14" viewBox="-9 -7 18 14" aria-hidden="true">${body}</svg>`;
}

export function renderHtml(trace: TraceFile): string {
  const t = trace;
  const L = layout(t);
  const g = geometry(t, L);
  const lanesW = g.laneW * t.nodes.length;
  const colorOf = new Map<string, string>();
  L.types.forEach((ty, i) => colorOf.set(ty, PALETTE[i % PALETTE.length]));
  const color = (text: string) => {
    const m = /^[A-Za-z_][\w-]*/.exec(text.trim());
    return colorOf.get(m ? m[0] : 'message') ?? '#64748b';
  };
  const v = t.violation;
  const vi = L.violation;

  // Background: lane lines, down periods, the cut-off side of partitions.
  const spanY = (start: number, end: number | null) => [g.y(start), end === null ? g.height : g.y(end)] as const;
  const bg: string[] = [];
  for (const s of L.cut) {
    const x = g.x(s.lane);
    if (x === null) continue;
    const [y0, y1] = spanY(s.start, s.end);
    bg.push(`<rect class="cut" x="${n1(x - g.laneW / 2 + 3)}" y="${n1(y0)}" width="${n1(g.laneW - 6)}" height="${n1(y1 - y0)}">${title(`${s.lane} on side B of the partition`)}</rect>`);
  }
  for (let i = 0; i < t.nodes.length; i++) {
    const x = i * g.laneW + g.laneW / 2;
    bg.push(`<path class="lane" d="M${n1(x)} 0V${n1(g.height)}"/>`);
  }
  for (const s of L.down) {
    const x = g.x(s.lane);
    if (x === null) continue;
    const [y0, y1] = spanY(s.start, s.end);
    bg.push(`<rect class="down" x="${n1(x - 7)}" y="${n1(y0)}" width="14" height="${n1(y1 - y0)}">${title(`${s.lane} is down`)}</rect>`);
  }
  if (vi !== null) {
    const y = g.y(vi);
    bg.push(`<path class="viol-line" d="M0 ${n1(y)}H${n1(lanesW)}"/>`);
  }

  const drawn = L.arrows.map((a, k) => arrowSvg(a, t, g, colorOf.get(a.type) ?? '#64748b', k));
  const ended = new Set(L.arrows.map((a) => a.dst).filter((d): d is number => d !== null));
  const markers = t.events.map((e, i) => markerSvg(e, i, g, i === vi, color, ended)).join('');

  // Rows.
  const slice = causalSlice(t);
  const rows: string[] = [];
  L.rows.forEach((r, ri) => {
    if (r.kind === 'phase') {
      rows.push(`<div class="row ph ph-${r.phase}" data-phase="${r.phase}" style="height:${PHASE_H}px"><div class="g"></div><div class="phl"><span>${esc(PHASE_LABEL[r.phase])}</span></div></div>`);
      return;
    }
    const first = r.events[0];
    const e = t.events[first];
    const isV = r.events.includes(vi ?? -1);
    // The violation's causal slice stands out; the other steps are folded to a dim line.
    const part = slice.size === 0 ? '' : r.events.some((i) => slice.has(i)) ? ' slice' : ' ctx';
    const attrs = [`class="row ev${isV ? ' viol' : ''}${part}"`, `id="e${first}"`, `data-step="${e.step}"`, `data-idx="${first}"`];
    if (isV) attrs.push('data-violation');
    let lanes = '';
    let desc: string;
    if (r.events.length > 1) {
      lanes = r.events
        .map((i) => {
          const lane = g.lane.get(t.events[i].node ?? '');
          if (lane === undefined) return '';
          return `<span class="pick" data-idx="${i}" data-step="${t.events[i].step}" style="left:${lane * g.laneW}px;width:${g.laneW}px" title="${esc(describe(t.events[i]))}"></span>`;
        })
        .join('');
      desc = `<span class="what">${esc(r.events.map((i) => t.events[i].node ?? '?').join(' '))} start</span>`;
    } else {
      const sends = sendsSummary(e);
      const obs = e.observe && e.observe.length > 0 ? e.observe.join('; ') : '';
      desc =
        `<span class="what k-${esc(e.action)}">${esc(describe(e))}</span>` +
        (isV && v ? ` <span class="vtag">✖ ${esc(v.invariant)}</span>` : '') +
        (obs ? ` <span class="obs">${esc(obs)}</span>` : '') +
        (sends ? ` <span class="snd">sends ${esc(sends)}</span>` : '');
    }
    const full = r.events.length > 1 ? '' : ` title="${esc([describe(e), sendsSummary(e) && `sends ${sendsSummary(e)}`, (e.observe ?? []).join('; ')].filter(Boolean).join('\n'))}"`;
    const gut = `${isV ? '<span class="vmark">⚠</span>' : ''}${e.step}`;
    rows.push(`<div ${attrs.join(' ')} style="height:${g.rowH[ri]}px"><div class="g">${gut}</div><div class="lanes">${lanes}</div><div class="d"${full}>${desc}</div></div>`);
  });

  const heads = t.nodes
    .map((n) => {
      const role = roleOf(t, n);
      return `<div class="lh" data-lane="${esc(n)}" style="width:${g.laneW}px"><b>${esc(n)}</b>${role ? `<small>${esc(role)}</small>` : ''}</div>`;
    })
    .join('');

  const banner = v
    ? `<header class="banner bad" data-banner><span class="bk">${esc(v.kind)} violation</span> <b class="inv">${esc(v.invariant)}</b> at <a href="#e${vi ?? 0}" data-goto="${vi ?? ''}">step ${v.step}</a><div class="vmsg">${esc(v.message)}</div></header>`
    : `<header class="banner good" data-banner>No violation: every invariant held over ${t.events.length} events</header>`;

  const meta = [
    `model <b>${esc(t.model)}</b>`,
    `mutant <b>${esc(t.mutant ?? 'none')}</b>`,
    `seed ${t.seed ?? '-'}`,
    `run ${t.run ?? '-'}`,
    `${t.choices.length} choices`,
    `${t.events.length} events`,
    ...(slice.size > 0 ? [`causal slice: ${slice.size} steps (bold), the rest dimmed`] : []),
  ].join(' · ');

  const legend = [
    ...L.types.map((ty) => `<span class="li"><i class="sw" style="background:${colorOf.get(ty)}"></i>${esc(ty)}</span>`),
    `<span class="li">${legendSvg('<path class="lgline dash" d="M-8 0H3"/><circle class="open" cx="5" cy="0" r="3"/>')}never delivered</span>`,
    `<span class="li">${legendSvg('<path class="lgline dash red" d="M-8 0H2"/>' + cross(4, 0, 3.5, 'x'))}dropped / lost</span>`,
    `<span class="li">${legendSvg(cross(0, 0, 5, 'm-crash'))}crash</span>`,
    `<span class="li">${legendSvg('<circle class="m-restart" cx="0" cy="0" r="4.5"/>')}restart</span>`,
    `<span class="li">${legendSvg('<path class="m-timer" d="M0 -5L5 0L0 5L-5 0Z"/>')}timeout</span>`,
    `<span class="li">${legendSvg('<rect class="m-client" x="-4.5" y="-4.5" width="9" height="9" rx="1.5"/>')}client request</span>`,
    `<span class="li">${legendSvg('<rect class="m-dup" x="-4" y="-4" width="8" height="8"/>')}duplicate</span>`,
    `<span class="li">${legendSvg('<path class="m-part" d="M-9 0H9"/>')}partition</span>`,
    `<span class="li">${legendSvg('<path class="m-heal" d="M-9 0H9"/>')}heal</span>`,
  ].join('');

  const data = {
    nodes: t.nodes,
    violation: vi,
    invariant: v ? { name: v.invariant, kind: v.kind, message: v.message } : null,
    events: t.events.map((e, i) => {
      const o: Record<string, unknown> = { step: e.step, phase: e.phase, action: e.action, desc: describe(e) };
      if (e.node !== undefined) o.node = e.node;
      if (e.state !== undefined) o.state = e.state;
      if (e.sends) o.sends = e.sends.map((s) => ({ to: s.to, text: s.text }));
      if (e.observe) o.observe = e.observe;
      if (e.timersSet) o.timersSet = e.timersSet;
      if (e.timersCancelled) o.timersCancelled = e.timersCancelled;
      if (slice.has(i)) o.slice = true;
      return o;
    }),
  };

  const name = `zoocheck ${t.model}${t.mutant ? ` / ${t.mutant}` : ''}${v ? `: ${v.invariant}` : ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(name)}</title>
<style>${CSS}</style>
</head>
<body style="--gutter:${GUTTER}px;--lanes:${lanesW}px;--row:${ROW_H}px">
${banner}
<div class="meta">${meta} <details><summary>config</summary><code>${esc(JSON.stringify(t.config))}</code></details></div>
<div class="legend">${legend}</div>
<div class="wrap">
<main class="diagram">
<div class="heads"><div class="g">step</div><div class="lhs">${heads}</div><div class="d">event (click a row for node state; ↑/↓ to move)</div></div>
<div class="body">
<svg class="lanesvg" width="${lanesW}" height="${n1(g.height)}" viewBox="0 0 ${lanesW} ${n1(g.height)}" xmlns="http://www.w3.org/2000/svg">
<g class="bg">${bg.join('')}</g>
<g class="arrows">${drawn.map((d) => d.line).join('')}</g>
<g class="markers">${markers}</g>
<g class="labels">${drawn.map((d) => d.text).join('')}</g>
</svg>
${rows.join('\n')}
</div>
</main>
<aside id="panel" data-panel><p class="hint">Click an event to see the acting node's state.</p></aside>
</div>
<script type="application/json" id="zc-data">${scriptJson(data)}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

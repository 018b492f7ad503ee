// The report's inline stylesheet and script. Inline because the page must open
// from a file:// URL on a machine with no network; plain ES2017 so any current
// browser runs it without a build step.

export const CSS = `
*{box-sizing:border-box}
:root{--mono:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;--sans:system-ui,"DejaVu Sans",Arial,sans-serif}
body{margin:0;font:13px/1.35 var(--sans);color:#0f172a;background:#fff}
.banner{padding:9px 16px;font-size:15px}
.banner.bad{background:#b91c1c;color:#fff}
.banner.bad a{color:#fff;font-weight:600}
.banner .inv{font-size:18px;letter-spacing:.01em}
.banner .bk{text-transform:uppercase;font-size:11px;letter-spacing:.06em;background:rgba(255,255,255,.22);padding:2px 6px;border-radius:3px;vertical-align:2px}
.banner .vmsg{font-family:var(--mono);font-size:13px;margin-top:3px}
.banner.good{background:#15803d;color:#fff}
.meta{padding:6px 16px 2px;color:#334155}
.meta details{display:inline-block;margin-left:8px;color:#64748b}
.meta summary{cursor:pointer}
.meta code{font-family:var(--mono);font-size:11.5px}
.legend{padding:2px 16px 8px;display:flex;flex-wrap:wrap;gap:3px 14px;font-size:12px;color:#334155;border-bottom:1px solid #e2e8f0}
.li{display:inline-flex;align-items:center;gap:4px}
.sw{display:inline-block;width:16px;height:3px;border-radius:2px}
.lg{overflow:visible}
.lgline{stroke:#94a3b8;stroke-width:1.5}
.lgline.dash{stroke-dasharray:2 2}.lgline.red{stroke:#dc2626;stroke-dasharray:4 2}
.wrap{display:grid;grid-template-columns:minmax(0,1fr) 380px;align-items:start}
.diagram{min-width:calc(var(--gutter) + var(--lanes) + 300px)}
.heads{position:sticky;top:0;z-index:3;display:grid;grid-template-columns:var(--gutter) var(--lanes) minmax(0,1fr);background:#f8fafc;border-bottom:1px solid #94a3b8;box-shadow:0 2px 4px rgba(15,23,42,.08)}
.heads .g,.heads .d{font-size:11px;color:#64748b;padding:12px 8px 0}
.heads .g{text-align:right}
.lhs{display:flex}
.lh{text-align:center;padding:4px 0 3px;display:flex;flex-direction:column;line-height:1.15}
.lh b{font-size:14px}
.lh small{font-size:10px;color:#64748b}
.body{position:relative}
.lanesvg{position:absolute;left:var(--gutter);top:0;pointer-events:none;z-index:2;overflow:visible}
.row{display:grid;grid-template-columns:var(--gutter) var(--lanes) minmax(0,1fr);align-items:center;cursor:pointer;border-bottom:1px solid #f1f5f9}
.row .g{text-align:right;padding-right:8px;color:#64748b;font-variant-numeric:tabular-nums;font-size:12px}
.row .lanes{position:relative;height:100%}
.row .d{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding:0 8px;font-size:12px}
.row:hover{background:#f1f5f9}
.row.sel{background:#dbeafe}
.row.viol{background:#fee2e2}
.row.viol.sel{background:#fecaca}
.row.sel .g{box-shadow:inset 3px 0 #2563eb}
.row.viol .g{color:#b91c1c;font-weight:700;box-shadow:inset 3px 0 #dc2626}
.row.slice .g{color:#0f172a;font-weight:700}
.row.ctx .d,.row.ctx .g{opacity:.4}
.row.ctx .d .obs,.row.ctx .d .snd{display:none}
.ph{cursor:default;border-top:1px solid #cbd5e1;border-bottom:1px solid #cbd5e1;background:#f8fafc}
.ph:hover{background:#f8fafc}
.ph .phl span{position:relative;z-index:3;background:inherit;padding:0 4px}
.ph .phl{grid-column:2 / 4;font-size:10.5px;font-weight:700;text-transform:uppercase;letter-spacing:.05em;color:#475569;padding-left:8px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.ph-adversary,.ph-adversary:hover{background:#fff7ed}.ph-adversary .phl{color:#9a3412}
.ph-suffix,.ph-suffix:hover{background:#f0fdf4}.ph-suffix .phl{color:#166534}
.ph-warmup,.ph-warmup:hover{background:#eff6ff}.ph-warmup .phl{color:#1e40af}
.pick{position:absolute;top:0;height:100%}
.what{font-family:var(--mono)}
.k-crash{color:#b91c1c;font-weight:700}.k-restart{color:#15803d;font-weight:600}
.k-partition,.k-heal{color:#6d28d9;font-weight:600}.k-drop,.k-duplicate{color:#c2410c}
.obs{color:#15803d;font-style:italic}
.snd{color:#64748b}
.vtag{color:#fff;background:#b91c1c;border-radius:3px;padding:0 5px;font-weight:600}
.vmark{color:#b91c1c;margin-right:3px}
.lane{stroke:#cbd5e1;stroke-width:1.5}
.down{fill:#fecaca;opacity:.85}
.cut{fill:#ede9fe}
.arrow .line{stroke:var(--c);stroke-width:1.4;fill:none}
.arrow .head{fill:var(--c)}
.arrow .hit{stroke:transparent;stroke-width:8;fill:none;pointer-events:stroke}
.arrow.dup .line{stroke-dasharray:6 2}
.arrow.pending .line{stroke:#94a3b8;stroke-dasharray:2 2}
.arrow.dropped .line,.arrow.lost .line{stroke:#dc2626;stroke-dasharray:4 3}
.x{stroke:#dc2626;stroke-width:2;stroke-linecap:round}
.open{fill:#fff;stroke:#94a3b8;stroke-width:1.5}
.mlabel{font:10.5px var(--mono);fill:var(--c)}
.tag{font:bold 10.5px var(--mono)}
.lbox{fill:#fff;opacity:.72}
.tag.crash{fill:#b91c1c}.tag.ok{fill:#15803d}.tag.warn{fill:#c2410c}.tag.timer{fill:#a16207}.tag.client{fill:#1d4ed8}
.m-start{fill:#fff;stroke:#64748b;stroke-width:1.5}
.m-recv{stroke:#fff;stroke-width:1.2}
.m-timer{fill:#facc15;stroke:#a16207}
.m-client{fill:#3b82f6;stroke:#1d4ed8}
.m-crash{stroke:#b91c1c;stroke-width:3;stroke-linecap:round}
.m-restart{fill:#fff;stroke:#15803d;stroke-width:2.5}
.m-link{fill:#fff;stroke:#ea580c;stroke-width:2}
.m-break{stroke:#ea580c;stroke-width:2;fill:none}
.m-dup{fill:#fb923c;stroke:#c2410c}
.m-part{stroke:#7c3aed;stroke-width:2;stroke-dasharray:6 3}
.m-heal{stroke:#16a34a;stroke-width:2;stroke-dasharray:6 3}
.m-side{stroke:#7c3aed}.m-side.s0{fill:#fff}.m-side.s1{fill:#ddd6fe}
.side-l{font:bold 9px var(--sans);fill:#5b21b6}
.m-viol{fill:none;stroke:#dc2626;stroke-width:2.5}
.viol-line{stroke:#dc2626;stroke-width:1;stroke-dasharray:3 3;opacity:.5}
.arrow.hl .line{stroke-width:3}
.arrow.hl .head{transform-box:fill-box;transform-origin:center;transform:scale(1.35)}
.albl.hl .mlabel{font-weight:700}
#panel{position:sticky;top:0;max-height:100vh;overflow:auto;border-left:1px solid #cbd5e1;padding:10px 14px 16px;background:#fbfcfd;font-size:12.5px}
#panel h3{font-size:12px;margin:12px 0 4px;color:#334155;text-transform:uppercase;letter-spacing:.04em}
#panel .p-step{color:#64748b;font-size:11.5px}
#panel .p-desc{font-family:var(--mono);font-size:13px;margin:2px 0 6px;font-weight:600}
#panel .p-viol{background:#fee2e2;border-left:4px solid #dc2626;padding:6px 8px;margin:6px 0}
#panel .p-viol b{color:#b91c1c}
#panel .muted,#panel .hint{color:#64748b}
#panel table{border-collapse:collapse;width:100%;font-family:var(--mono);font-size:12px}
#panel td{padding:2px 4px;border-bottom:1px solid #eef2f7;vertical-align:top;word-break:break-word}
#panel td.k{color:#475569;white-space:nowrap;width:1%}
#panel tr.chg td{background:#fef9c3}
#panel .was{color:#94a3b8;text-decoration:line-through;margin-left:6px}
#panel pre{font-family:var(--mono);font-size:12px;white-space:pre-wrap;margin:0}
#panel ul{margin:0;padding-left:16px;font-family:var(--mono);font-size:12px}
#panel .cl td.n{font-weight:700;white-space:nowrap;width:1%}
#panel .cl tr.cur td{background:#dbeafe}
#panel .cl td.dn{color:#b91c1c;font-weight:700}
#panel .cl td.v{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:0}
`;

// Plain JS kept free of backticks and "${": it lives in a template literal.
export const CLIENT_JS = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('zc-data').textContent);
  var E = data.events;
  var panel = document.getElementById('panel');
  var arrows = Array.prototype.slice.call(document.querySelectorAll('.arrow, .albl'));
  var PHASE = { start: 'start', warmup: 'warm start', adversary: 'adversarial schedule', suffix: 'fair suffix' };
  var sel = -1;

  function h(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function js(v) { return v === undefined ? '\\u2014' : JSON.stringify(v); }
  function isObj(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  function prevState(i, node) {
    for (var j = i - 1; j >= 0; j--) if (E[j].node === node && has(E[j], 'state')) return E[j];
    return null;
  }

  function stateView(state, prev) {
    if (!isObj(state)) return h('pre', null, JSON.stringify(state, null, 2));
    var before = prev && isObj(prev.state) ? prev.state : null;
    var tb = h('table', 'kv');
    var keys = Object.keys(state);
    if (before) Object.keys(before).forEach(function (k) { if (!has(state, k)) keys.push(k); });
    keys.forEach(function (k) {
      var tr = h('tr');
      var now = js(state[k]);
      tr.appendChild(h('td', 'k', k));
      var td = h('td', 'v', now);
      if (before && js(before[k]) !== now) {
        tr.className = 'chg';
        td.appendChild(h('span', 'was', js(before[k])));
      }
      tr.appendChild(td);
      tb.appendChild(tr);
    });
    return tb;
  }

  function cluster(i) {
    var st = {};
    data.nodes.forEach(function (n) { st[n] = { down: false, known: false, state: null }; });
    for (var j = 0; j <= i; j++) {
      var e = E[j];
      if (!e.node || !st[e.node]) continue;
      if (e.action === 'crash') st[e.node].down = true;
      else if (has(e, 'state')) st[e.node] = { down: false, known: true, state: e.state };
    }
    var tb = h('table', 'cl');
    data.nodes.forEach(function (n) {
      var tr = h('tr', E[i].node === n ? 'cur' : null);
      tr.appendChild(h('td', 'n', n));
      var s = st[n];
      var text = s.down ? 'down' : s.known ? JSON.stringify(s.state) : '?';
      var td = h('td', s.down ? 'v dn' : 'v', text);
      td.title = s.known ? JSON.stringify(s.state, null, 1) : text;
      tr.appendChild(td);
      tb.appendChild(tr);
    });
    return tb;
  }

  function list(title, items) {
    if (!items || items.length === 0) return;
    panel.appendChild(h('h3', null, title));
    var ul = h('ul');
    items.forEach(function (t) { ul.appendChild(h('li', null, t)); });
    panel.appendChild(ul);
  }

  function rowOf(i) {
    var r = document.querySelector('.row[data-idx="' + i + '"]');
    if (r) return r;
    var p = document.querySelector('.pick[data-idx="' + i + '"]');
    return p ? p.closest('.row') : null;
  }

  function select(i, scroll) {
    if (i < 0 || i >= E.length) return;
    var old = sel >= 0 ? rowOf(sel) : null;
    if (old) old.classList.remove('sel');
    sel = i;
    var row = rowOf(i);
    if (row) {
      row.classList.add('sel');
      if (scroll) row.scrollIntoView({ block: scroll === 'near' ? 'nearest' : 'center' });
    }
    // The selected step's causal neighbourhood: the message it consumed and the ones it sent.
    arrows.forEach(function (a) {
      a.classList.toggle('hl', a.getAttribute('data-src') === String(i) || a.getAttribute('data-dst') === String(i));
    });

    var e = E[i];
    panel.replaceChildren();
    panel.setAttribute('data-selected', String(i));
    panel.appendChild(h('div', 'p-step', 'step ' + e.step + ' \\u00b7 ' + (PHASE[e.phase] || e.phase) + ' \\u00b7 ' + e.action));
    panel.appendChild(h('div', 'p-desc', e.desc));
    if (i === data.violation && data.invariant) {
      var b = h('div', 'p-viol');
      b.appendChild(h('b', null, data.invariant.name + ' (' + data.invariant.kind + ') violated here'));
      b.appendChild(h('div', null, data.invariant.message));
      panel.appendChild(b);
    }
    if (e.node) {
      var sec = h('section', 'p-state');
      sec.setAttribute('data-state-of', e.node);
      if (e.action === 'crash') {
        sec.appendChild(h('h3', null, e.node + ' crashed'));
        sec.appendChild(h('p', 'muted', 'Its volatile state is gone; only what the model keeps durably survives to a restart.'));
      } else if (has(e, 'state')) {
        var prev = prevState(i, e.node);
        sec.appendChild(h('h3', null, e.node + ' state after step ' + e.step));
        if (prev) sec.appendChild(h('p', 'muted', 'highlighted: changed since step ' + prev.step));
        sec.appendChild(stateView(e.state, prev));
      } else {
        sec.appendChild(h('p', 'muted', 'no state recorded for ' + e.node + ' at this step'));
      }
      panel.appendChild(sec);
    }
    list('sends', (e.sends || []).map(function (s) { return '\\u2192 ' + s.to + '  ' + s.text; }));
    list('observes', e.observe);
    list('timers set', e.timersSet);
    list('timers cancelled', e.timersCancelled);
    panel.appendChild(h('h3', null, 'every node after step ' + e.step));
    panel.appendChild(cluster(i));
  }

  document.querySelector('.body').addEventListener('click', function (ev) {
    var t = ev.target.closest('[data-idx]');
    if (t) select(Number(t.getAttribute('data-idx')), false);
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var d = ev.key === 'ArrowDown' || ev.key === 'j' ? 1 : ev.key === 'ArrowUp' || ev.key === 'k' ? -1 : 0;
    if (d === 0 || sel < 0) return;
    ev.preventDefault();
    select(Math.min(E.length - 1, Math.max(0, sel + d)), 'near');
  });
  var go = document.querySelector('[data-goto]');
  if (go) go.addEventListener('click', function (ev) {
    ev.preventDefault();
    if (data.violation !== null) select(data.violation, true);
  });
  if (E.length > 0) select(data.violation !== null ? data.violation : 0, false);
})();
`;

// A structural check of a recorded zk-history/1 file: each line against the format's
// schema (history/schema.ts, the one declaration), plus what zoocheck's recorder
// promises beyond the format: lines in time order, increasing op ids, one op
// outstanding per process, sorted listings, replies naming their member, error codes,
// nemesis lines naming target, pid and role. It says nothing about whether ZooKeeper
// kept its guarantees (that is the checker's job); it catches a recorder that writes
// bad files.

import { readFileSync } from 'node:fs';
import { LineError, parseLine, type HistoryLine } from '../history/schema.ts';

export interface ValidationReport {
  ok: boolean;
  problems: string[];
  counts: Record<string, number>;
}

const NEMESIS_ACTIONS = new Set(['pause', 'resume', 'kill', 'restart', 'healthy']);

export function validateHistoryText(text: string, maxProblems = 50): ValidationReport {
  const problems: string[] = [];
  const counts: Record<string, number> = {};
  const bad = (line: number, msg: string) => {
    if (problems.length < maxProblems) problems.push(`line ${line}: ${msg}`);
  };
  if (!text.endsWith('\n')) bad(0, 'file does not end with a newline (truncated?)');
  const rows = text.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  let root = '';
  let lastT = -Infinity;
  let lastId = -1;
  const procBusyUntil = new Map<number, number>();
  const opIds = new Set<number>();

  rows.forEach((raw, i) => {
    const n = i + 1;
    let o: Record<string, unknown>;
    let l: HistoryLine;
    try {
      o = JSON.parse(raw) as Record<string, unknown>;
      l = parseLine(o);
    } catch (e) {
      return bad(n, e instanceof LineError ? e.message : 'not valid JSON');
    }
    counts[l.kind] = (counts[l.kind] ?? 0) + 1;
    if (n === 1) {
      if (l.kind !== 'meta') return bad(n, 'first line is not kind:meta');
      root = l.root;
      if (!Array.isArray(l.ensemble)) bad(n, 'meta.ensemble is not an array');
      if (typeof l.options !== 'object' || l.options === null) bad(n, 'meta.options is not an object');
      return;
    }
    if (l.kind === 'meta') return bad(n, 'second meta line');
    if (l.kind === 'summary') {
      if (n !== rows.length) bad(n, 'summary is not the last line');
      return;
    }
    const t = l.kind === 'op' ? l.t_invoke : l.t;
    if (t < lastT) bad(n, `out of time order (${t} < ${lastT})`);
    lastT = t;
    switch (l.kind) {
      case 'op': {
        if (l.id <= lastId) bad(n, `op.id ${l.id} not increasing`);
        lastId = l.id;
        opIds.add(l.id);
        if (l.path !== null && !(l.path === root || l.path.startsWith(root + '/'))) bad(n, `op.path ${JSON.stringify(l.path)} is not under root ${root}`);
        const busy = procBusyUntil.get(l.process);
        if (busy !== undefined && busy > t) bad(n, `process ${l.process} has two ops outstanding`);
        procBusyUntil.set(l.process, l.t_complete);
        const out = l.outcome;
        if ((out.type === 'ok' || out.type === 'error') && typeof out.server !== 'string') bad(n, 'outcome.server is not a string');
        if (out.type === 'error' && out.code === undefined) bad(n, 'error outcome needs a code');
        if (out.type === 'info' && out.error === undefined) bad(n, 'info outcome needs error');
        if (l.type === 'exists' && out.type === 'ok' && out.exists === false && out.stat !== null) bad(n, 'exists:false needs stat:null');
        const ch = out.children;
        if (ch && ch.some((c, j) => j > 0 && ch[j - 1]! > c)) bad(n, 'children not sorted');
        break;
      }
      case 'watch':
        if (l.ops.some((x) => !opIds.has(x))) bad(n, 'watch.ops must name earlier ops');
        break;
      case 'nemesis':
        if (!NEMESIS_ACTIONS.has(l.action)) bad(n, `nemesis.action ${JSON.stringify(l.action)} unknown`);
        if (!('target' in o) || !('pid' in o) || !('role' in o)) bad(n, 'nemesis needs target, pid and role');
        break;
      case 'late':
        if (!opIds.has(l.op)) bad(n, 'late.op must name an earlier op');
        break;
      default:
        break;
    }
  });
  if (rows.length === 0) bad(0, 'empty file');
  return { ok: problems.length === 0, problems, counts };
}

export function validateHistoryFile(file: string): ValidationReport {
  return validateHistoryText(readFileSync(file, 'utf8'));
}

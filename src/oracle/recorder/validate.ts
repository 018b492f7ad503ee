// A structural check of zk-history/1 files: every field the format requires, with the
// right type, in the right order. It says nothing about whether ZooKeeper kept its
// guarantees (that is the checker's job); it catches a recorder that writes bad files.

import { readFileSync } from "node:fs";

export interface ValidationReport {
  ok: boolean;
  problems: string[];
  counts: Record<string, number>;
}

const SESSION_RE = /^0x[0-9a-f]{16}$/;
const OP_TYPES = new Set(["create", "set", "get", "exists", "children", "delete", "sync", "close_session"]);
const MODES = new Set(["PERSISTENT", "EPHEMERAL", "PERSISTENT_SEQUENTIAL", "EPHEMERAL_SEQUENTIAL"]);
const SESSION_EVENTS = new Set([
  "CONNECTING",
  "CONNECTED",
  "DISCONNECTED",
  "SESSION_EXPIRED",
  "CLOSING",
  "CLOSED",
  "CLIENT_DROPS_CONNECTION",
  "CLIENT_REPLACES_SESSION",
  "ABANDONED",
]);
const NEMESIS_ACTIONS = new Set(["pause", "resume", "kill", "restart", "healthy"]);
const STAT_NUMS = ["czxid", "mzxid", "pzxid", "ctime", "mtime", "version", "cversion", "aversion", "dataLength", "numChildren"];

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function validateHistoryText(text: string, maxProblems = 50): ValidationReport {
  const problems: string[] = [];
  const counts: Record<string, number> = {};
  const bad = (line: number, msg: string) => {
    if (problems.length < maxProblems) problems.push(`line ${line}: ${msg}`);
  };
  if (!text.endsWith("\n")) bad(0, "file does not end with a newline (truncated?)");
  const rows = text.split("\n");
  if (rows[rows.length - 1] === "") rows.pop();
  let root = "";
  let lastT = -Infinity;
  let lastId = -1;
  const procBusyUntil = new Map<number, number>();
  const opIds = new Set<number>();

  const stat = (n: number, v: unknown, where: string) => {
    if (v === null) return;
    if (!isObj(v)) return bad(n, `${where} is not an object`);
    for (const k of STAT_NUMS) if (!isInt(v[k])) bad(n, `${where}.${k} is not an integer`);
    if (typeof v.ephemeralOwner !== "string" || !SESSION_RE.test(v.ephemeralOwner)) bad(n, `${where}.ephemeralOwner is not "0x%016x"`);
  };

  rows.forEach((raw, i) => {
    const n = i + 1;
    let o: Record<string, unknown>;
    try {
      const parsed = JSON.parse(raw);
      if (!isObj(parsed)) return bad(n, "not a JSON object");
      o = parsed;
    } catch {
      return bad(n, "not valid JSON");
    }
    const kind = o.kind;
    if (typeof kind !== "string") return bad(n, "missing kind");
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (n === 1) {
      if (kind !== "meta") return bad(n, "first line is not kind:meta");
      if (o.format !== "zk-history/1") bad(n, `format is ${JSON.stringify(o.format)}, not "zk-history/1"`);
      if (typeof o.root !== "string" || !o.root.startsWith("/")) bad(n, "meta.root is not an absolute path");
      else root = o.root;
      if (!Array.isArray(o.ensemble)) bad(n, "meta.ensemble is not an array");
      if (!isObj(o.options)) bad(n, "meta.options is not an object");
      return;
    }
    if (kind === "meta") return bad(n, "second meta line");
    if (kind === "summary") {
      if (n !== rows.length) bad(n, "summary is not the last line");
      return;
    }
    const t = kind === "op" ? o.t_invoke : o.t;
    if (!isInt(t) || t < 0) return bad(n, `${kind === "op" ? "t_invoke" : "t"} is not a non-negative integer`);
    if (t < lastT) bad(n, `out of time order (${t} < ${lastT})`);
    lastT = t;
    const sess = (v: unknown, f: string) => {
      if (v !== null && (typeof v !== "string" || !SESSION_RE.test(v))) bad(n, `${f} is not null or "0x%016x"`);
    };
    switch (kind) {
      case "op": {
        if (!isInt(o.id)) return bad(n, "op.id is not an integer");
        if (o.id <= lastId) bad(n, `op.id ${o.id} not increasing`);
        lastId = o.id;
        opIds.add(o.id);
        for (const f of ["process", "client"]) if (!isInt(o[f])) bad(n, `op.${f} is not an integer`);
        if (typeof o.phase !== "string") bad(n, "op.phase is not a string");
        sess(o.session, "op.session");
        if (o.server !== null && typeof o.server !== "string") bad(n, "op.server is not a string or null");
        const type = o.type as string;
        if (!OP_TYPES.has(type)) return bad(n, `op.type ${JSON.stringify(type)} unknown`);
        if (type === "close_session") {
          if (o.path !== null) bad(n, "close_session path is not null");
        } else if (typeof o.path !== "string" || !(o.path === root || o.path.startsWith(root + "/"))) {
          bad(n, `op.path ${JSON.stringify(o.path)} is not under root ${root}`);
        }
        const args = o.args;
        if (!isObj(args)) return bad(n, "op.args is not an object");
        if (type === "create" && (!MODES.has(args.mode as string) || typeof args.value !== "string")) bad(n, "create args need mode and value");
        if (type === "set" && (typeof args.value !== "string" || !isInt(args.version))) bad(n, "set args need value and version");
        if (type === "delete" && !isInt(args.version)) bad(n, "delete args need version");
        if ((type === "get" || type === "exists" || type === "children") && typeof args.watch !== "boolean") bad(n, `${type} args need watch`);
        if (!isInt(o.t_complete) || (o.t_complete as number) < (t as number)) bad(n, "t_complete missing or before t_invoke");
        const busy = procBusyUntil.get(o.process as number);
        if (busy !== undefined && busy > (t as number)) bad(n, `process ${o.process} has two ops outstanding`);
        procBusyUntil.set(o.process as number, (o.t_complete as number) ?? Infinity);
        const out = o.outcome;
        if (!isObj(out)) return bad(n, "op.outcome is not an object");
        const ot = out.type;
        if (ot !== "ok" && ot !== "error" && ot !== "info") return bad(n, `outcome.type ${JSON.stringify(ot)}`);
        if (ot === "ok" || ot === "error") {
          if (!isInt(out.zxid)) bad(n, "outcome.zxid is not an integer");
          if (typeof out.server !== "string") bad(n, "outcome.server is not a string");
        }
        if (ot === "error" && (typeof out.error !== "string" || !isInt(out.code))) bad(n, "error outcome needs error and code");
        if (ot === "info" && typeof out.error !== "string") bad(n, "info outcome needs error");
        if (ot === "ok") {
          if (type === "create") {
            if (typeof out.created_path !== "string") bad(n, "create ok needs created_path");
            stat(n, out.stat, "outcome.stat");
          }
          if (type === "set") stat(n, out.stat, "outcome.stat");
          if (type === "get") {
            if (!("value" in out) && !("value_b64" in out)) bad(n, "get ok needs value or value_b64");
            stat(n, out.stat, "outcome.stat");
          }
          if (type === "exists") {
            if (typeof out.exists !== "boolean") bad(n, "exists ok needs exists");
            if (out.exists === false && out.stat !== null) bad(n, "exists:false needs stat:null");
            if (out.exists === true) stat(n, out.stat, "outcome.stat");
          }
          if (type === "children") {
            const ch = out.children;
            if (!Array.isArray(ch) || ch.some((c) => typeof c !== "string")) bad(n, "children ok needs children [str]");
            else if (ch.some((c, j) => j > 0 && ch[j - 1]! > c)) bad(n, "children not sorted");
            stat(n, out.stat, "outcome.stat");
          }
        }
        if (o.watch_registered !== undefined && !["data", "exist", "child"].includes(o.watch_registered as string)) bad(n, "watch_registered unknown");
        if (o.watch_events !== undefined && !Array.isArray(o.watch_events)) bad(n, "watch_events is not an array");
        break;
      }
      case "session":
        if (!isInt(o.client)) bad(n, "session.client is not an integer");
        sess(o.session, "session.session");
        if (!SESSION_EVENTS.has(o.event as string)) bad(n, `session.event ${JSON.stringify(o.event)} unknown`);
        break;
      case "watch":
        if (!isInt(o.client)) bad(n, "watch.client is not an integer");
        sess(o.session, "watch.session");
        if (typeof o.type !== "string" || typeof o.path !== "string") bad(n, "watch needs type and path");
        if (!Array.isArray(o.ops) || o.ops.some((x) => !isInt(x) || !opIds.has(x))) bad(n, "watch.ops must name earlier ops");
        break;
      case "nemesis":
        if (!NEMESIS_ACTIONS.has(o.action as string)) bad(n, `nemesis.action ${JSON.stringify(o.action)} unknown`);
        if (!("target" in o) || !("pid" in o) || !("role" in o)) bad(n, "nemesis needs target, pid and role");
        break;
      case "late":
        if (!isInt(o.op) || !opIds.has(o.op)) bad(n, "late.op must name an earlier op");
        if (!isObj(o.outcome)) bad(n, "late.outcome is not an object");
        break;
      default:
        bad(n, `unknown kind ${JSON.stringify(kind)}`);
    }
  });
  if (rows.length === 0) bad(0, "empty file");
  return { ok: problems.length === 0, problems, counts };
}

export function validateHistoryFile(file: string): ValidationReport {
  return validateHistoryText(readFileSync(file, "utf8"));
}

// The seeded workload: what each logical client does next (pick), and what it
// remembers of earlier replies (learn) so that conditional writes and deletes aim at
// real versions and both outcomes of each occur.
import type seedrandom from 'seedrandom';
import type { Json, RecordOptions } from './options.ts';
import type { ZkSession } from './session.ts';
import type { CreateModeName, Stat } from './wire.ts';

export interface OpSpec {
  type: 'create' | 'set' | 'get' | 'exists' | 'children' | 'delete' | 'sync' | 'close_session';
  path: string | null;
  args: (id: number) => Json;
  /** Only for get, exists and children. */
  watch?: boolean;
}

export class LogicalClient {
  session!: ZkSession;
  sessionsOpened = 0;
  readonly versions = new Map<string, number>();
  readonly seqKids = new Set<string>();
  constructor(
    readonly index: number,
    public process: number,
    readonly rng: seedrandom.PRNG,
  ) {}
}

/** What a client remembers to aim later conditional writes and deletes at real versions. */
export function learn(c: LogicalClient, root: string, spec: OpSpec, outcome: Json): void {
  if (outcome.type !== 'ok' || !spec.path) return;
  const stat = outcome.stat as Stat | null | undefined;
  const path = (outcome.created_path as string | undefined) ?? spec.path;
  if (stat) c.versions.set(path, stat.version);
  if (spec.type === 'create' && typeof outcome.created_path === 'string' && spec.path.startsWith(`${root}/q/`)) {
    c.seqKids.add(outcome.created_path);
  }
  if (spec.type === 'children' && spec.path === `${root}/q`) {
    c.seqKids.clear();
    for (const k of outcome.children as string[]) c.seqKids.add(`${spec.path}/${k}`);
  }
  if (spec.type === 'delete') {
    c.seqKids.delete(spec.path);
    c.versions.delete(spec.path);
  }
}

// ---- workload -----------------------------------------------------------------------

/** The client's next operation, drawn from a weighted table over a few keys, ephemerals and a sequential parent. */
export function pick(c: LogicalClient, root: string, o: RecordOptions): OpSpec {
  const R = root;
  const Q = `${R}/q`;
  const rng = c.rng;
  const any = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const keys = Array.from({ length: o.keys }, (_, i) => `${R}/k${i}`);
  const ephs = Array.from({ length: o.ephemerals }, (_, i) => `${R}/e${i}`);
  const plain = [...keys, ...ephs];
  const kids = [...c.seqKids];
  const watch = () => rng() < o.watchProb;
  const version = (p: string) => {
    if (rng() < 0.5) return -1;
    const v = c.versions.get(p) ?? 0;
    // Mostly the version we last saw, sometimes one off, so both outcomes occur.
    return rng() < 0.75 ? v : v + (rng() < 0.5 ? 1 : -1 + (v === 0 ? 2 : 0));
  };
  const create = (path: string, mode: CreateModeName): OpSpec => ({
    type: 'create',
    path,
    args: (id) => ({ mode, value: `v${id}` }),
  });
  const read = (type: 'get' | 'exists' | 'children', path: string): OpSpec => {
    const w = watch();
    return { type, path, watch: w, args: () => ({ watch: w }) };
  };
  const table: Array<[number, () => OpSpec]> = [
    [9, () => create(any(keys), 'PERSISTENT')],
    [7, () => create(any(ephs), 'EPHEMERAL')],
    [4, () => create(`${Q}/p-`, 'PERSISTENT_SEQUENTIAL')],
    [4, () => create(`${Q}/e-`, 'EPHEMERAL_SEQUENTIAL')],
    [1, () => create(`${any(ephs)}/c`, 'PERSISTENT')],
    [0.5, () => create(Q, 'PERSISTENT')],
    [
      18,
      () => {
        const p = any(plain);
        const v = version(p);
        return { type: 'set', path: p, args: (id) => ({ value: `v${id}`, version: v }) };
      },
    ],
    [14, () => read('get', kids.length && rng() < 0.25 ? any(kids) : any(plain))],
    [6, () => read('exists', any(plain))],
    [6, () => read('children', rng() < 0.5 ? R : Q)],
    [
      10,
      () => {
        const p = kids.length && rng() < 0.3 ? any(kids) : any(plain);
        const v = version(p);
        return { type: 'delete', path: p, args: () => ({ version: v }) };
      },
    ],
    [0.5, () => ({ type: 'delete', path: Q, args: () => ({ version: -1 }) })],
    [2, () => ({ type: 'sync', path: R, args: () => ({}) })],
    [0.4, () => ({ type: 'close_session', path: null, args: () => ({}) })],
  ];
  const total = table.reduce((a, [w]) => a + w, 0);
  let x = rng() * total;
  for (const [w, f] of table) {
    x -= w;
    if (x < 0) {
      const spec = f();
      if (spec.type === 'close_session' && c.sessionsOpened >= o.maxSessionsPerClient) break;
      return spec;
    }
  }
  return read('get', any(plain));
}

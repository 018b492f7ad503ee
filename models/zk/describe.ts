// Short human-readable forms of operations, payloads and results, for traces.
import { fmtZxid } from '../zab/index.ts';
import { decode, OP_CREATE_SESSION, OP_EXPIRE } from './config.ts';
import type { OpResult, ZkConfig, ZkOp } from './types.ts';

const MODES: Record<string, string> = {
  PERSISTENT: '',
  EPHEMERAL: ' -e',
  PERSISTENT_SEQUENTIAL: ' -s',
  EPHEMERAL_SEQUENTIAL: ' -e -s',
  CONTAINER: ' -c',
};

export function describeOp(op: ZkOp | undefined): string {
  if (op === undefined) return '?';
  switch (op.op) {
    case 'create':
      return `create${MODES[op.mode]} ${op.path}`;
    case 'setData':
      return `setData ${op.path} v${op.version}`;
    case 'delete':
      return `delete ${op.path} v${op.version}`;
    case 'close':
      return 'close';
    default:
      return `${op.op} ${op.path}${op.watch ? ' watch' : ''}`;
  }
}

/** "c0.create /a", "c1: new session #3", "expire c1#3"; SESSIONMOVED payloads are marked. */
export function describeTxn(v: number, cfg: ZkConfig): string {
  const p = decode(v);
  const moved = p.moved ? ' (SESSIONMOVED)' : '';
  if (p.op === OP_CREATE_SESSION) return `createSession c${p.c}#${p.g}${moved}`;
  if (p.op === OP_EXPIRE) return `expire c${p.c}#${p.g}${moved}`;
  return `c${p.c}.${p.op} ${describeOp(cfg.ops[p.c]?.[p.op])}${moved}`;
}

export function describeResult(r: OpResult): string {
  if (!r.ok) return r.code ?? 'error';
  const parts: string[] = ['OK'];
  if (r.path !== undefined) parts.push(r.path);
  if (r.data !== undefined) parts.push(r.data === null ? 'data=null' : `data=${r.data}`);
  if (r.children !== undefined) parts.push(`[${r.children.join(',')}]`);
  if (r.stat === null) parts.push('no node');
  else if (r.stat !== undefined) parts.push(`czxid=${fmtZxid(r.stat.czxid)} mzxid=${fmtZxid(r.stat.mzxid)} v${r.stat.version}`);
  return parts.join(' ');
}

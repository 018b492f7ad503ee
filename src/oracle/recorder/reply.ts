// One operation on the wire: the request a workload op encodes to, how a reply (or its
// loss) becomes a zk-history/1 outcome, and which watch an ok read registered.
import type { Json } from './options.ts';
import type { RawOutcome, WatchKind } from './session.ts';
import type { OpSpec } from './workload.ts';
import { OP, Reader, REPLY_BODY_OFFSET, DEFINITE_ERRORS, encode, errorName, dataField, type CreateModeName } from './wire.ts';

export function requestFor(spec: OpSpec, args: Json): { code: number; body: Buffer } {
  const path = spec.path!;
  switch (spec.type) {
    case 'create':
      return { code: OP.CREATE2, body: encode.create(path, Buffer.from(String(args.value)), args.mode as CreateModeName) };
    case 'set':
      return { code: OP.SET_DATA, body: encode.setData(path, Buffer.from(String(args.value)), args.version as number) };
    case 'get':
      return { code: OP.GET_DATA, body: encode.pathWatch(path, Boolean(args.watch)) };
    case 'exists':
      return { code: OP.EXISTS, body: encode.pathWatch(path, Boolean(args.watch)) };
    case 'children':
      return { code: OP.GET_CHILDREN2, body: encode.pathWatch(path, Boolean(args.watch)) };
    case 'delete':
      return { code: OP.DELETE, body: encode.del(path, args.version as number) };
    case 'sync':
      return { code: OP.SYNC, body: encode.sync(path) };
    default:
      throw new Error(`no request encoding for ${spec.type}`);
  }
}

export function watchFor(spec: OpSpec, outcome: Json): WatchKind | null {
  if (!spec.watch || outcome.type !== 'ok') return null;
  if (spec.type === 'get') return 'data';
  if (spec.type === 'children') return 'child';
  // The server keeps exists() on a present node as a data watch and on an absent node as
  // an existence watch; we name what it registered.
  return outcome.exists ? 'data' : 'exist';
}

export function decodeReply(type: OpSpec['type'], raw: RawOutcome): Json {
  if (raw.kind === 'lost') return { type: 'info', error: errorName(raw.code), code: raw.code };
  if (raw.kind === 'exception') return { type: 'info', error: 'CLIENT_EXCEPTION', message: raw.message };
  const zxid = Number(raw.zxid);
  if (raw.err !== 0) {
    const error = errorName(raw.err);
    if (type === 'exists' && error === 'NONODE') return { type: 'ok', zxid, server: raw.server, exists: false, stat: null };
    return { type: DEFINITE_ERRORS.has(error) ? 'error' : 'info', error, code: raw.err, zxid, server: raw.server };
  }
  const out: Json = { type: 'ok', zxid, server: raw.server };
  try {
    const r = new Reader(raw.frame, REPLY_BODY_OFFSET);
    switch (type) {
      case 'create':
        out.created_path = r.str();
        out.stat = r.stat();
        break;
      case 'set':
        out.stat = r.stat();
        break;
      case 'get':
        Object.assign(out, dataField(r.bytes()));
        out.stat = r.stat();
        break;
      case 'exists':
        out.exists = true;
        out.stat = r.stat();
        break;
      case 'children':
        out.children = r.strings().sort();
        out.stat = r.stat();
        break;
      default:
        break;
    }
  } catch (e) {
    // The server answered ok but we could not read the body: the op happened, its
    // result is unknown to us.
    return { type: 'info', error: 'CLIENT_EXCEPTION', message: e instanceof Error ? e.message : String(e), zxid, server: raw.server };
  }
  return out;
}

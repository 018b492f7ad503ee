// ZooKeeper's result codes (KeeperException.Code in 3.8), by the names the
// client libraries and the history format use.

export const ZK_CODES = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

/** Every code name, OK included (a failed multi reports OK for the ops before the failing one). */
export type ZkCode = keyof typeof ZK_CODES;
export type ZkError = Exclude<ZkCode, 'OK'>;

const BY_NUMBER: ReadonlyMap<number, ZkCode> = new Map(Object.entries(ZK_CODES).map(([k, v]) => [v, k as ZkCode]));

export function zkCode(name: ZkCode): number {
  return ZK_CODES[name];
}

export function zkCodeName(code: number): ZkCode | null {
  return BY_NUMBER.get(code) ?? null;
}

// Just the parts of node-zookeeper-client 1.1.x the recorder touches. The package ships
// no types; its ConnectionManager is internal, so these fields are pinned to 1.1.3.
declare module 'node-zookeeper-client' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  export interface QueuedPacket {
    request: { header: { xid: number; type: number } | null; toBuffer(): Buffer };
    callback?: (err: (Error & { code?: number }) | null, reply?: unknown) => void;
  }

  export interface ConnectionManager extends EventEmitter {
    state: number;
    servers: Array<{ host: string; port: string | number }>;
    socket: Socket | null;
    zxid: Buffer;
    sessionId: Buffer;
    sessionTimeout: number;
    pendingQueue: QueuedPacket[];
    packetQueue: { queue: QueuedPacket[]; unshift(p: QueuedPacket): void; push(p: QueuedPacket): void };
    onSocketData(chunk: Buffer): void;
    setState(state: number): void;
    queue(request: QueuedPacket['request'], callback: NonNullable<QueuedPacket['callback']>): void;
  }

  export interface Client extends EventEmitter {
    connectionManager: ConnectionManager;
    connect(): void;
    close(): void;
  }

  export function createClient(connectionString: string, options?: { sessionTimeout?: number; spinDelay?: number; retries?: number }): Client;

  const zookeeper: { createClient: typeof createClient };
  export default zookeeper;
}

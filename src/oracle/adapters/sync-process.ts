// A child process spoken to synchronously, one JSON line out and one JSON line
// back, so an external implementation can sit inside the synchronous step loop.
// The pipes are named FIFOs opened with plain file descriptors: fs.readSync then
// blocks until the child answers, and reads end-of-file if it dies.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class ImplementationError extends Error {
  override name = 'ImplementationError';
}

const open = new Set<SyncProcess>();

/** Stop every implementation process this process started (tests, long-lived hosts). */
export function closeAllProcesses(): void {
  for (const p of [...open]) p.close();
}

export class SyncProcess {
  private readonly child: ChildProcess;
  private readonly toChild: number;
  private readonly fromChild: number;
  private readonly dir: string;
  private buf = Buffer.alloc(1 << 16);
  private pending = '';
  private closed = false;

  constructor(readonly cmd: string[]) {
    this.dir = mkdtempSync(join(tmpdir(), 'zoocheck-impl-'));
    const inPath = join(this.dir, 'in');
    const outPath = join(this.dir, 'out');
    execFileSync('mkfifo', [inPath, outPath]);
    // Open the child's ends read-write first so our own opens do not block.
    const childIn = openSync(inPath, 'r+');
    const childOut = openSync(outPath, 'r+');
    this.toChild = openSync(inPath, 'w');
    this.fromChild = openSync(outPath, 'r');
    this.child = spawn(cmd[0], cmd.slice(1), { stdio: [childIn, childOut, 'inherit'] });
    this.child.unref();
    // Only the child holds the write end of `out` now: if it dies, reads see EOF.
    closeSync(childIn);
    closeSync(childOut);
    open.add(this);
    process.once('exit', () => this.close());
  }

  /** Send one request and wait for its one-line answer. */
  call(request: unknown): any {
    if (this.closed) throw new ImplementationError(`${this.cmd.join(' ')}: already closed`);
    try {
      writeSync(this.toChild, JSON.stringify(request) + '\n');
    } catch (e) {
      throw new ImplementationError(`${this.cmd.join(' ')}: cannot write to the implementation (${(e as NodeJS.ErrnoException).code ?? e})`);
    }
    for (;;) {
      const nl = this.pending.indexOf('\n');
      if (nl >= 0) {
        const line = this.pending.slice(0, nl);
        this.pending = this.pending.slice(nl + 1);
        try {
          return JSON.parse(line);
        } catch {
          throw new ImplementationError(`${this.cmd.join(' ')}: answered a line that is not JSON: ${line.slice(0, 120)}`);
        }
      }
      const n = readSync(this.fromChild, this.buf, 0, this.buf.length, null);
      if (n === 0) throw new ImplementationError(`${this.cmd.join(' ')}: the implementation exited`);
      this.pending += this.buf.toString('utf8', 0, n);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    try {
      closeSync(this.toChild);
      closeSync(this.fromChild);
    } catch {
      /* already gone */
    }
    this.child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** Digest algorithms a backup read may need: SHA-256 always (the object's name), MD5 for clouds that report it. */
export type HashAlgorithm = 'sha256' | 'md5';

/** One file's running hash: chunks in, hex digests out. */
export interface RunningHash {
  /** Hashes a chunk; the promise (when returned) asks the caller to wait: the worker is behind. */
  update(chunk: Buffer): Promise<void> | undefined;
  digest(): Promise<Record<HashAlgorithm, string>>;
}

/** Bytes handed to the worker and not hashed yet, above which readers wait (bounded memory). */
const MAX_BEHIND = 32 * 1024 * 1024;

// The worker is plain CommonJS run with `eval`, so it works the same from sources (tests) and from dist.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'start') jobs.set(m.id, m.algs.map((a) => [a, createHash(a)]));
  else if (m.op === 'update') {
    for (const [, h] of jobs.get(m.id)) h.update(m.data);
    parentPort.postMessage({ op: 'ack', bytes: m.data.byteLength });
  } else if (m.op === 'digest') {
    const hs = jobs.get(m.id);
    jobs.delete(m.id);
    parentPort.postMessage({ op: 'digest', id: m.id, digests: Object.fromEntries(hs.map(([a, h]) => [a, h.digest('hex')])) });
  }
});
`;

/**
 * Hashing off the main thread: one worker (the machine has two cores; the other runs the event
 * loop, SQLite and the copies) hashes the chunks of every file in flight, so a 2 GB backup leaves
 * the API and the UI responsive. Small files are hashed inline: their whole content is one chunk.
 */
export class HashPool {
  private worker: Worker | undefined;
  private nextId = 1;
  private behind = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly digests = new Map<
    number,
    { resolve: (d: Record<HashAlgorithm, string>) => void; reject: (e: Error) => void }
  >();

  /** Starts the running hash of one file. `inline`: hash on this thread (small files). */
  start(algs: readonly HashAlgorithm[], inline = false): RunningHash {
    if (inline) return inlineHash(algs);
    const worker = this.ensureWorker();
    const id = this.nextId++;
    worker.postMessage({ op: 'start', id, algs });
    return {
      update: (chunk) => {
        this.behind += chunk.length;
        // Structured clone copies the chunk: the caller's buffer stays its own (it is also being written).
        worker.postMessage({ op: 'update', id, data: chunk });
        if (this.behind <= MAX_BEHIND) return undefined;
        return new Promise<void>((resolve) => this.waiting.push(resolve));
      },
      digest: () =>
        new Promise((resolve, reject) => {
          this.digests.set(id, { resolve, reject });
          worker.postMessage({ op: 'digest', id });
        }),
    };
  }

  private users = 0;

  /** An engine that will hash through the pool; `release` when it closes. */
  retain(): void {
    this.users++;
  }

  /**
   * The last engine using the pool closed: the worker is stopped, so nothing of it (its message
   * port) can keep the process from exiting. A later `start` makes a new one.
   */
  async release(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0 && this.digests.size === 0) await this.close();
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // Idle, it must not keep the process alive; a digest being waited for keeps its caller alive.
    worker.unref();
    worker.on(
      'message',
      (m: { op: string; bytes?: number; id?: number; digests?: Record<HashAlgorithm, string> }) => {
        if (m.op === 'ack') {
          this.behind -= m.bytes!;
          while (this.behind <= MAX_BEHIND && this.waiting.length > 0) this.waiting.shift()!();
        } else if (m.op === 'digest') {
          const d = this.digests.get(m.id!);
          this.digests.delete(m.id!);
          d?.resolve(m.digests!);
        }
      },
    );
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', () => this.fail(new Error('the hashing worker stopped')));
    this.worker = worker;
    return worker;
  }

  private fail(err: Error): void {
    if (this.worker) void this.worker.terminate();
    this.worker = undefined;
    this.behind = 0;
    for (const w of this.waiting.splice(0)) w();
    for (const d of this.digests.values()) d.reject(err);
    this.digests.clear();
  }
}

function inlineHash(algs: readonly HashAlgorithm[]): RunningHash {
  const hs = algs.map((a) => [a, createHash(a)] as const);
  return {
    update: (chunk) => {
      for (const [, h] of hs) h.update(chunk);
      return undefined;
    },
    digest: () =>
      Promise.resolve(
        Object.fromEntries(hs.map(([a, h]) => [a, h.digest('hex')])) as Record<HashAlgorithm, string>,
      ),
  };
}

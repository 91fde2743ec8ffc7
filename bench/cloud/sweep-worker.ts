/**
 * One configuration of the part-size sweep, run as its own process so its peak memory is its own:
 * puts every file of a list to s3rver (S3Destination with `S3Tuning { partSize, queueSize }`) or
 * azurite (AzureDestination with `upload: { blockSize, parallel }`), reading each file once and
 * hashing it with SHA-256 on the way as the engine does, `filesAtOnce` files at a time. Prints one
 * JSON line (SweepOutput): time and CPU of the uploads alone. Started by sweep.ts; not for direct use.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Transform, type Readable } from 'node:stream';
import { AzureDestination } from '../../main/engine/destinations/azure/azure.js';
import type { Destination } from '../../main/engine/destinations/destination.js';
import { S3Destination } from '../../main/engine/destinations/s3/s3.js';
import { cpuSecondsOf } from './servers.js';

/** What sweep.ts passes as the one argument (JSON). */
export interface SweepJob {
  kind: 's3rver' | 'azurite';
  endpoint: string;
  bucket: string;
  accessKeyId?: string;
  secret: string;
  account?: string;
  /** S3 part size or Azure block size, bytes. */
  partSize: number;
  /** S3 parts or Azure blocks in flight per upload. */
  inFlight: number;
  /** Files uploaded at once (the engine's `transfer.concurrency`, 2 by default). */
  filesAtOnce: number;
  /** A JSON file holding `{ path, key, size }[]`. */
  listFile: string;
  /** The emulator's process id, to read its CPU time around the uploads; null when unknown. */
  serverPid: number | null;
}

/** What the worker prints. */
export interface SweepOutput {
  seconds: number;
  bytes: number;
  files: number;
  /** This process's CPU seconds (user + system) during the uploads, start-up and clean-up left out. */
  cpuSeconds: number;
  /** The emulator's CPU seconds during the uploads, or null when unknown. */
  serverCpuSeconds: number | null;
  /** Puts that failed once and were sent again (a second failure fails the run). */
  failures: number;
  errors: string[];
}

function destinationFor(job: SweepJob): Destination {
  if (job.kind === 's3rver') {
    return new S3Destination(
      {
        name: 'sweep',
        bucket: job.bucket,
        region: 'us-east-1',
        endpoint: job.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: job.accessKeyId ?? '', secretAccessKey: job.secret },
      },
      { partSize: job.partSize, queueSize: job.inFlight },
    );
  }
  return new AzureDestination(
    {
      name: 'sweep',
      container: job.bucket,
      accountName: job.account ?? '',
      accountKey: job.secret,
      endpoint: job.endpoint,
    },
    { upload: { blockSize: job.partSize, parallel: job.inFlight } },
  );
}

/** The file as the engine reads it (1 MiB reads), hashed with SHA-256 on the way to the upload. */
function hashedRead(path: string): Readable {
  const sha = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sha.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      sha.digest();
      done();
    },
  });
  return createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(tap);
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as SweepJob;
  const files = JSON.parse(readFileSync(job.listFile, 'utf8')) as {
    path: string;
    key: string;
    size: number;
  }[];
  const dest = destinationFor(job);
  const out: SweepOutput = {
    seconds: 0,
    bytes: 0,
    files: 0,
    cpuSeconds: 0,
    serverCpuSeconds: null,
    failures: 0,
    errors: [],
  };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const f = files[i]!;
      try {
        await dest.put(f.key, hashedRead(f.path), { size: f.size });
      } catch (err) {
        out.failures++;
        out.errors.push(`${f.key}: ${(err as Error).message}`.slice(0, 300));
        await dest.put(f.key, hashedRead(f.path), { size: f.size });
      }
      out.bytes += f.size;
      out.files++;
    }
  };
  const server0 = cpuSecondsOf(job.serverPid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: job.filesAtOnce }, worker));
  out.seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const server1 = cpuSecondsOf(job.serverPid);
  out.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  out.serverCpuSeconds = server0 !== null && server1 !== null ? server1 - server0 : null;
  // Not timed: free the emulator's disk for the next configuration.
  for (const f of files) await dest.remove(f.key).catch(() => undefined);
  await dest.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface ServerSpec {
  /** Shown in errors: `s3rver`, `azurite`, ... */
  name: string;
  command: string;
  args: string[];
  port: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the port to open (default 30 s). */
  startTimeoutMs?: number;
}

/**
 * A real server process run by the test harness (s3rver, azurite, the GCS emulator): started, stopped
 * and restarted on the same port so tests can kill it mid-transfer. Failure to start is an error,
 * never a skip.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';
  constructor(readonly spec: ServerSpec) {}

  get port(): number {
    return this.spec.port;
  }

  async start(): Promise<void> {
    const { spec } = this;
    this.output = '';
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-4000)));
    const deadline = performance.now() + (spec.startTimeoutMs ?? 30_000);
    while (performance.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`${spec.name} exited with code ${child.exitCode} while starting:\n${this.output}`);
      }
      if (await portOpen(spec.port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.stop();
    throw new Error(`${spec.name} did not open port ${spec.port} in time:\n${this.output}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    // Wait until the port is really closed so a restart can bind it again.
    for (let i = 0; i < 50 && (await portOpen(this.spec.port)); i++)
      await new Promise((r) => setTimeout(r, 100));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Last lines the server printed, for error messages. */
  get log(): string {
    return this.output;
  }
}

import { createServer, type Server, type Socket } from 'node:net';
import { answerWithHttpError, type FaultHttpFormat, type FaultHttpStatus } from './fault-http.js';
import { Link, type LinkBehaviour } from './fault-link.js';

/** What the fault proxy does with connections; see FaultProxy.mode. */
export type FaultMode =
  /** Relay normally. */
  | { name: 'pass' }
  /** Port closed (clients get ECONNREFUSED), or with `reset` accepted and reset at once (ECONNRESET). */
  | { name: 'refuse'; reset?: boolean }
  /** Relay, holding every chunk back `ms` milliseconds in both directions: a slow line. */
  | { name: 'delay'; ms: number }
  /** Relay, then cut a connection (reset to the client) once it sent `afterBytes` more bytes upstream. */
  | { name: 'cut'; afterBytes: number }
  /** Answer each new request with this HTTP status, never contacting the target. */
  | { name: 'http-error'; status: FaultHttpStatus; format?: FaultHttpFormat }
  /** Accept and never answer: a hung server. */
  | { name: 'blackhole' };

/** Names of the fault proxy's modes. */
export type FaultModeName = FaultMode['name'];
/** The options of one mode (none for `pass` and `blackhole`). */
export type FaultModeOptions<N extends FaultModeName> = Omit<Extract<FaultMode, { name: N }>, 'name'>;

/** What went through the proxy since it started (or since `resetStats`). */
export interface FaultProxyStats {
  /** Connections accepted. */
  connections: number;
  /** Connections open now. */
  open: number;
  /** Bytes relayed from clients to the target. */
  bytesUp: number;
  /** Bytes relayed from the target to clients. */
  bytesDown: number;
  /** Requests answered with an HTTP error in `http-error` mode. */
  httpErrors: number;
  /** Connections cut in `cut` mode. */
  cuts: number;
}

/** Where the proxy forwards to. */
export interface FaultProxyTarget {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** Tries to bind the same port again after `refuse`, for a port another socket briefly holds. */
const REBIND_ATTEMPTS = 40;
const REBIND_WAIT_MS = 50;

type Conn = { kind: 'link'; link: Link } | { kind: 'sink'; socket: Socket; hung: boolean };

const emptyStats = (): FaultProxyStats => ({
  connections: 0,
  open: 0,
  bytesUp: 0,
  bytesDown: 0,
  httpErrors: 0,
  cuts: 0,
});

/**
 * A fault-injecting TCP proxy for tests: listens on 127.0.0.1 and relays to a real server, and on
 * demand refuses, slows, cuts, answers 500/503 or hangs, so destinations and everything above them
 * meet real network failures. Start it with `FaultProxy.start`, point a destination at `endpoint`.
 *
 * On a mode change, open connections follow where it makes sense: `refuse` resets them all;
 * `http-error` closes relayed and hung ones (so pooled keep-alive sockets cannot bypass it);
 * `blackhole` makes relayed ones drop every byte; `delay` and `cut` apply to them from now on (a cut
 * counts the bytes sent after the change); leaving `blackhole` closes the connections it hung.
 */
export class FaultProxy {
  private server: Server | undefined;
  private readonly conns = new Set<Conn>();
  private current: FaultMode = { name: 'pass' };
  private counters = emptyStats();
  private switching: Promise<void> = Promise.resolve();
  private readonly target: { host: string; port: number };

  private boundPort = 0;

  private constructor(target: FaultProxyTarget) {
    this.target = { host: target.host ?? '127.0.0.1', port: target.port };
  }

  /** Starts a proxy on a random free port of 127.0.0.1, relaying to `target`, in `pass` mode. */
  static async start(target: FaultProxyTarget): Promise<FaultProxy> {
    const proxy = new FaultProxy(target);
    await proxy.listen();
    return proxy;
  }

  /** The port the proxy listens on; it stays the same across `refuse`. */
  get port(): number {
    return this.boundPort;
  }

  /** `http://127.0.0.1:<port>`: the endpoint to give a destination instead of the server's. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The mode in force. */
  get currentMode(): FaultMode {
    return this.current;
  }

  /** A snapshot of the counters. */
  stats(): FaultProxyStats {
    return { ...this.counters, open: this.conns.size };
  }

  /** Sets every counter but `open` back to zero. */
  resetStats(): void {
    this.counters = emptyStats();
  }

  /**
   * Switches mode; resolves once the change is in force (the port closed or bound again, open
   * connections handled). Calls are applied in order.
   */
  mode<N extends FaultModeName>(
    name: N,
    ...options: Partial<FaultModeOptions<N>> extends FaultModeOptions<N>
      ? [FaultModeOptions<N>?]
      : [FaultModeOptions<N>]
  ): Promise<void> {
    const next = { ...(options[0] ?? {}), name } as FaultMode;
    const step = this.switching.then(() => this.apply(next));
    this.switching = step.catch(() => undefined);
    return step;
  }

  /** Accepts connections and never answers, also on open ones: a hung server, for timeout tests. */
  blackhole(): Promise<void> {
    return this.mode('blackhole');
  }

  /** Closes the port and every connection. */
  async close(): Promise<void> {
    await this.switching;
    this.current = { name: 'refuse' };
    for (const c of [...this.conns]) this.kill(c, false);
    await this.unlisten();
  }

  private async apply(next: FaultMode): Promise<void> {
    const previous = this.current;
    this.current = next;
    if (next.name === 'refuse') {
      if (!next.reset) await this.unlisten();
      else await this.listen();
      for (const c of [...this.conns]) this.kill(c, true);
      return;
    }
    for (const c of [...this.conns]) {
      if (c.kind === 'sink') {
        if (c.hung && next.name !== 'blackhole') this.kill(c, false);
      } else if (next.name === 'http-error' || (previous.name === 'blackhole' && c.link.dropped)) {
        this.kill(c, false);
      } else {
        c.link.behaviour = this.behaviour();
      }
    }
    await this.listen();
    // Lets clients in this process see the closes before their next request picks a pooled socket.
    await new Promise((r) => setTimeout(r, 20));
  }

  /** The behaviour relayed connections get under the current mode. */
  private behaviour(): LinkBehaviour {
    const m = this.current;
    return {
      delayMs: m.name === 'delay' ? m.ms : 0,
      drop: m.name === 'blackhole',
      ...(m.name === 'cut' ? { cutAfter: m.afterBytes } : {}),
    };
  }

  private accept(socket: Socket): void {
    this.counters.connections++;
    const m = this.current;
    if (m.name === 'refuse') {
      socket.on('error', () => undefined);
      socket.resetAndDestroy();
      return;
    }
    if (m.name === 'http-error' || m.name === 'blackhole') {
      const conn: Conn = { kind: 'sink', socket, hung: m.name === 'blackhole' };
      this.conns.add(conn);
      socket.on('close', () => this.conns.delete(conn));
      if (m.name === 'blackhole') {
        socket.on('error', () => socket.destroy());
        socket.resume();
      } else {
        answerWithHttpError(socket, m.status, m.format, () => this.counters.httpErrors++);
      }
      return;
    }
    const conn: Conn = {
      kind: 'link',
      link: new Link(socket, this.target, this.behaviour(), {
        relayed: (direction, bytes) => {
          if (direction === 'up') this.counters.bytesUp += bytes;
          else this.counters.bytesDown += bytes;
        },
        cut: () => this.counters.cuts++,
        closed: () => this.conns.delete(conn),
      }),
    };
    this.conns.add(conn);
  }

  private kill(c: Conn, reset: boolean): void {
    if (c.kind === 'link') {
      c.link.destroy(reset);
      return;
    }
    this.conns.delete(c);
    if (reset) c.socket.resetAndDestroy();
    else c.socket.destroy();
  }

  /** Binds the port (the same one after `refuse`); a no-op while listening. */
  private async listen(): Promise<void> {
    if (this.server) return;
    for (let attempt = 1; ; attempt++) {
      const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(this.boundPort, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        if (attempt >= REBIND_ATTEMPTS || (err as { code?: string }).code !== 'EADDRINUSE') throw err;
        await new Promise((r) => setTimeout(r, REBIND_WAIT_MS));
        continue;
      }
      const addr = server.address();
      if (typeof addr === 'object' && addr) this.boundPort = addr.port;
      this.server = server;
      return;
    }
  }

  /** Closes the listening socket: new connections are refused by the OS. */
  private async unlisten(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // close() waits for open connections; the listening socket itself is closed at once.
      setImmediate(resolve);
    });
  }
}

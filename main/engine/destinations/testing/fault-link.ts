import { connect, type Socket } from 'node:net';

/** How a relayed connection treats its bytes right now; the proxy replaces it when its mode changes. */
export interface LinkBehaviour {
  /** Milliseconds every chunk is held back, in both directions (0: none). */
  delayMs: number;
  /** Bytes the client may still send upstream before the connection is cut; undefined: no limit. */
  cutAfter?: number;
  /** Drop every byte both ways and keep the connection open: a hung server. */
  drop: boolean;
}

/** What a link reports to the proxy that owns it. */
export interface LinkEvents {
  /** Bytes written to the target (`up`) or to the client (`down`). */
  relayed(direction: 'up' | 'down', bytes: number): void;
  /** The link was cut by its `cutAfter` budget. */
  cut(): void;
  /** Both sockets are gone. */
  closed(link: Link): void;
}

/** Bytes queued in one direction before the sending side is paused. */
const HIGH_WATER = 1024 * 1024;

/** One direction of a link: relays `src` to `dst` in order, holding each chunk back for the delay. */
class Pipe {
  private readonly queue: { chunk: Buffer; due: number }[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private waitingDrain = false;
  private pausedSource = false;
  private sourceEnded = false;

  constructor(
    private readonly link: Link,
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly direction: 'up' | 'down',
  ) {
    src.on('data', (chunk: Buffer) => this.push(chunk));
    src.on('end', () => {
      this.sourceEnded = true;
      this.pump();
    });
  }

  private push(chunk: Buffer): void {
    const b = this.link.behaviour;
    if (this.link.closed) return;
    if (b.drop) {
      this.link.dropped = true;
      return;
    }
    if (this.direction === 'up' && b.cutAfter !== undefined) {
      if (chunk.length >= b.cutAfter) {
        const last = chunk.subarray(0, b.cutAfter);
        b.cutAfter = 0;
        this.link.cut(last);
        return;
      }
      b.cutAfter -= chunk.length;
    }
    this.queue.push({ chunk, due: performance.now() + b.delayMs });
    this.queued += chunk.length;
    if (this.queued > HIGH_WATER && !this.pausedSource) {
      this.pausedSource = true;
      this.src.pause();
    }
    this.pump();
  }

  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waitingDrain || this.link.closed) return;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const wait = head.due - performance.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.pump(), wait);
        return;
      }
      this.queue.shift();
      this.queued -= head.chunk.length;
      this.link.events.relayed(this.direction, head.chunk.length);
      if (!this.dst.write(head.chunk)) {
        this.waitingDrain = true;
        this.dst.once('drain', () => {
          this.waitingDrain = false;
          this.pump();
        });
        break;
      }
    }
    if (this.pausedSource && this.queued <= HIGH_WATER / 2) {
      this.pausedSource = false;
      this.src.resume();
    }
    if (this.queue.length === 0 && this.sourceEnded && !this.waitingDrain && !this.dst.writableEnded) {
      this.dst.end();
    }
  }

  /** Cancels the pending delayed write; the link is closing. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * One client connection relayed to the target, with the proxy's current faults applied to it:
 * per-chunk delay, a cut after a number of upstream bytes, or dropping everything (hung).
 * Half-closes and resets are passed on, so the client sees what the server did.
 */
export class Link {
  readonly upstream: Socket;
  closed = false;
  /** True once a byte was dropped: the stream is broken and must not be used again. */
  dropped = false;
  private readonly pipes: Pipe[];

  constructor(
    readonly client: Socket,
    target: { host: string; port: number },
    public behaviour: LinkBehaviour,
    readonly events: LinkEvents,
  ) {
    this.upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    this.pipes = [new Pipe(this, client, this.upstream, 'up'), new Pipe(this, this.upstream, client, 'down')];
    // A server that refuses or resets is passed on to the client as a reset.
    this.upstream.on('error', () => this.destroy(true));
    client.on('error', () => this.destroy(false));
    client.on('close', () => this.destroy(false));
    this.upstream.on('close', () => {
      if (client.writableEnded) this.destroy(false);
    });
  }

  /**
   * Sends the last bytes the budget allows, then cuts: both sides see a reset, as when a line drops,
   * so the server gets a truncated request and the client an error mid-send.
   */
  cut(last: Buffer): void {
    if (this.closed) return;
    this.events.cut();
    this.events.relayed('up', last.length);
    const upstream = this.upstream;
    upstream.write(last, () => {
      if (!upstream.destroyed) upstream.resetAndDestroy();
    });
    this.finish(() => this.client.resetAndDestroy());
  }

  /** Closes both sockets; `reset` makes the client see a connection reset rather than a clean close. */
  destroy(reset: boolean): void {
    if (this.closed) return;
    this.finish(() => {
      if (reset) this.client.resetAndDestroy();
      else this.client.destroy();
      this.upstream.destroy();
    });
  }

  private finish(close: () => void): void {
    this.closed = true;
    for (const p of this.pipes) p.stop();
    if (!this.client.destroyed) close();
    else this.upstream.destroy();
    this.events.closed(this);
  }
}

import type { ApiEvent } from '../../shared/api/contract.js';
import type { EngineConnection } from './connection.js';

/** One server-sent event: its `event:` type and its `data:` lines joined. */
export interface SseFrame {
  event: string;
  data: string;
}

/**
 * A server-sent events parser (the WHATWG event-stream format): fed text in chunks of any size, it
 * returns the complete frames; comments (`: ...`) are skipped, `data:` lines are joined with newlines.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  feed(chunk: string): SseFrame[] {
    const frames: SseFrame[] = [];
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, end);
      const eol = this.buffer.startsWith('\r\n', end) ? 2 : 1;
      // A lone \r at the end of a chunk may be half of \r\n: wait for the next chunk.
      if (eol === 1 && this.buffer[end] === '\r' && end === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(end + eol);
      if (line === '') {
        if (this.data.length > 0) frames.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
    }
    return frames;
  }
}

/** The frame as an ApiEvent, or undefined when it is not one. */
export function toApiEvent(frame: SseFrame): ApiEvent | undefined {
  try {
    const event = JSON.parse(frame.data) as { type?: unknown };
    return typeof event === 'object' && event !== null && event.type === frame.event
      ? (event as ApiEvent)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Follows the engine's live events (GET /api/events) until `signal` aborts, reconnecting after
 * `retryMs` when the stream drops. `onOpen` runs on each (re)connection, so the caller can refresh
 * what it may have missed.
 */
export async function followEvents(
  conn: EngineConnection,
  handlers: { onEvent: (event: ApiEvent) => void; onOpen?: () => void },
  opts: { signal: AbortSignal; retryMs?: number; fetch?: typeof fetch },
): Promise<void> {
  const { signal } = opts;
  while (!signal.aborted) {
    try {
      const res = await (opts.fetch ?? fetch)(new URL('/api/events', conn.url), {
        headers: { Authorization: `Bearer ${conn.secret}`, Accept: 'text/event-stream' },
        signal,
      });
      if (!res.ok || !res.body) throw new Error(`GET /api/events: ${res.status}`);
      handlers.onOpen?.();
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        for (const frame of parser.feed(decoder.decode(chunk, { stream: true }))) {
          const event = toApiEvent(frame);
          if (event) handlers.onEvent(event);
        }
      }
    } catch {
      // Dropped or refused (the engine restarting): try again below unless stopped.
    }
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.retryMs ?? 2_000);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

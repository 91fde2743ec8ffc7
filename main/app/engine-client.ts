import type { ApiRoutes } from '../../shared/api/contract.js';
import type { EngineConnection } from './connection.js';

type Route = keyof ApiRoutes;
type Body<K extends Route> = ApiRoutes[K] extends { body: infer B } ? B : undefined;
type Reply<K extends Route> = ApiRoutes[K]['response'];

/** An API call the engine refused or could not answer; the message is the engine's. */
export class EngineApiError extends Error {
  override readonly name = 'EngineApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The shell's own client of the engine's local API (the tray's status and actions), authenticated with
 * the per-run secret as a Bearer token. Requests and replies are the types of shared/api/contract.ts.
 */
export class EngineClient {
  constructor(
    readonly conn: EngineConnection,
    private readonly opts: { fetch?: typeof fetch; timeoutMs?: number } = {},
  ) {}

  /** Per-wedding protection, destinations, queue and problems. */
  status(): Promise<Reply<'GET /api/status'>> {
    return this.call('GET /api/status', undefined);
  }

  /** "Protect now": rescans every folder and wakes the scheduler. */
  backupNow(): Promise<Reply<'POST /api/backup-now'>> {
    return this.call('POST /api/backup-now', undefined);
  }

  /** Pauses or resumes uploads (in-flight ones finish). */
  setPaused(paused: boolean): Promise<Reply<'POST /api/pause'>> {
    return this.call('POST /api/pause', { paused });
  }

  private async call<K extends Route>(route: K, body: Body<K>): Promise<Reply<K>> {
    const [method, path] = route.split(' ') as [string, string];
    const res = await (this.opts.fetch ?? fetch)(new URL(path, this.conn.url), {
      method,
      headers: {
        Authorization: `Bearer ${this.conn.secret}`,
        ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new EngineApiError(res.status, `${route}: ${res.status} ${message}`);
    }
    return JSON.parse(text) as Reply<K>;
  }
}

import type { StatusReport } from '../../shared/model/status.js';
import type { EngineConnection } from './connection.js';
import { EngineClient } from './engine-client.js';
import { followEvents } from './event-stream.js';

/**
 * Keeps the tray's view of the engine current: the status on connecting and every `refreshMs`
 * (destinations can come and go without any file event), each `status` event of the live stream, and
 * a fresh status shortly after each `file` event (the engine's own `status` event for a file can be
 * taken before that file's new state is recorded).
 */
export class StatusFeed {
  private abort: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;
  private soon: NodeJS.Timeout | undefined;

  constructor(
    private readonly onStatus: (status: StatusReport) => void,
    private readonly opts: { refreshMs?: number; retryMs?: number; afterFileMs?: number } = {},
  ) {}

  /** Follows the engine at `conn` (after a restart, the new one) until `stop()`. */
  follow(conn: EngineConnection): void {
    this.stop();
    const abort = new AbortController();
    this.abort = abort;
    const client = new EngineClient(conn);
    const refresh = () => {
      if (this.refreshing || abort.signal.aborted) return;
      this.refreshing = true;
      void client
        .status()
        .then((s) => !abort.signal.aborted && this.onStatus(s))
        .catch(() => undefined)
        .finally(() => (this.refreshing = false));
    };
    this.timer = setInterval(refresh, this.opts.refreshMs ?? 60_000);
    const refreshSoon = () => {
      clearTimeout(this.soon);
      this.soon = setTimeout(refresh, this.opts.afterFileMs ?? 1_000);
    };
    void followEvents(
      conn,
      {
        onOpen: refresh,
        onEvent: (e) => {
          if (e.type === 'status') this.onStatus(e.status);
          if (e.type === 'file') refreshSoon();
        },
      },
      { signal: abort.signal, ...(this.opts.retryMs ? { retryMs: this.opts.retryMs } : {}) },
    );
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.soon);
  }
}

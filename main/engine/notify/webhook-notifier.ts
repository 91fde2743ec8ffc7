import type { Notification } from '../../../shared/model/notification.js';
import { systemClock, type Clock } from '../clock.js';
import { slackPayload } from './format.js';
import { NotifyError, redact, type Notifier } from './notifier.js';

export interface WebhookOptions {
  /** The incoming-webhook URL (Slack, Mattermost, Discord's `/slack`, or any receiver of that JSON). */
  url: string;
  /** How long to wait for the receiver to answer. Default 10 s. */
  timeoutMs?: number;
  clock?: Clock;
}

/**
 * POSTs a Slack-compatible JSON message (`{ text, blocks }`) to a webhook URL. The URL's path and
 * query are its secret (anyone holding them can post), so errors name the host only.
 */
export class WebhookNotifier implements Notifier {
  readonly name = 'webhook';
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly clock: Clock;

  constructor(opts: WebhookOptions) {
    try {
      this.url = new URL(opts.url);
    } catch {
      throw new NotifyError('the webhook address is not a valid URL');
    }
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:')
      throw new NotifyError(`the webhook address must start with https:// (not ${this.url.protocol})`);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.clock = opts.clock ?? systemClock;
  }

  async notify(event: Notification): Promise<void> {
    const where = `webhook at ${this.url.host}`;
    const stop = new AbortController();
    let timedOut = false;
    void this.clock.sleep(this.timeoutMs, stop.signal).then(
      () => {
        timedOut = true;
        stop.abort();
      },
      () => undefined,
    );
    try {
      let res: Response;
      try {
        res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(slackPayload(event)),
          signal: stop.signal,
        });
      } catch (err) {
        if (timedOut) throw new NotifyError(`${where}: no answer within ${this.timeoutMs / 1000} s`);
        throw new NotifyError(`${where}: cannot connect (${this.scrub(networkCause(err))})`);
      }
      if (!res.ok) {
        const said = await res.text().catch(() => '');
        throw new NotifyError(
          `${where} refused the message: HTTP ${res.status}${said ? ` ${this.scrub(said.slice(0, 200))}` : ''}`,
        );
      }
      await res.body?.cancel();
    } finally {
      stop.abort();
    }
  }

  private scrub(text: string): string {
    return redact(text, [this.url.href, this.url.pathname, this.url.search, this.url.password]);
  }
}

/** The network code or message behind a failed fetch (`fetch failed` hides it in `cause`). */
function networkCause(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

import type { Notification } from '../../../shared/model/notification.js';

/** A channel that tells the user about an incident: a log line, a chat webhook, an email. */
export interface Notifier {
  /** Short name for error reports: `log`, `webhook`, `email`. */
  readonly name: string;
  /** Delivers one notification; rejects with a NotifyError when the channel refused or failed. */
  notify(event: Notification): Promise<void>;
}

/** A notification that could not be delivered; the message names the channel, never its secrets. */
export class NotifyError extends Error {
  override readonly name = 'NotifyError';
}

/**
 * `text` with every secret replaced by `***`: channels pass their password, token or webhook path
 * through this before any text (a server's reply, a library's error) goes into a message.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

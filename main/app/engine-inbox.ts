import type { Notification } from '../../shared/model/notification.js';
import { parseEngineMessage } from './engine-messages.js';
import type { SecretServer } from './secret-server.js';

/** Where the engine's messages go in the shell. */
export interface InboxHandlers {
  /** Answers secret requests (the keychain vault); absent when the engine keeps its own files. */
  secrets?: Pick<SecretServer, 'handle'>;
  /** Shows a desktop notification. */
  notify: (notification: Notification) => void;
  /** A line for the log about a message that was not understood (never its content). */
  log?: (line: string) => void;
}

/**
 * The shell's handler of every message the engine's process posts: secret requests to the secret
 * server, notifications (validated) to the desktop; anything else is dropped with a log line.
 */
export function engineInbox(handlers: InboxHandlers): (message: unknown) => void {
  return (raw) => {
    if (handlers.secrets?.handle(raw)) return;
    const message = parseEngineMessage(raw);
    if (message?.type === 'keepsake:notification') {
      handlers.notify(message.notification);
      return;
    }
    const type = (raw as { type?: unknown } | null)?.type;
    handlers.log?.(
      `ignored a message from the engine${typeof type === 'string' ? ` of type ${type.slice(0, 60)}` : ''}`,
    );
  };
}

import type { Notification } from '../../../shared/model/notification.js';
import { logLine } from './format.js';
import type { Notifier } from './notifier.js';

/**
 * Notifies by writing one line to a log (stderr by default). Headless, this is what the user sees;
 * under the Electron shell, desktop notifications are another Notifier the shell provides.
 */
export class LogNotifier implements Notifier {
  readonly name = 'log';

  constructor(private readonly write: (line: string) => void = (line) => console.error(line)) {}

  async notify(event: Notification): Promise<void> {
    this.write(logLine(event));
  }
}

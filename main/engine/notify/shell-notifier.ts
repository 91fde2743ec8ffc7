import type { Notification } from '../../../shared/model/notification.js';
import { NOTIFICATION_MESSAGE } from '../secrets/protocol.js';
import type { ShellChannel } from '../secrets/shell-channel.js';
import { NotifyError, type Notifier } from './notifier.js';

/**
 * Desktop notifications when the engine runs under the desktop shell: posts each notification to the
 * shell over the parent port (`{ type: 'keepsake:notification', notification }`), which shows it as a
 * system notification (main/app/notifications.ts).
 */
export class ShellNotifier implements Notifier {
  readonly name = 'desktop';

  constructor(private readonly channel: ShellChannel) {}

  async notify(event: Notification): Promise<void> {
    try {
      this.channel.post({ type: NOTIFICATION_MESSAGE, notification: event });
    } catch (err) {
      throw new NotifyError(`desktop: the desktop app cannot be reached (${(err as Error).message})`);
    }
  }
}

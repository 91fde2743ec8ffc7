import type { NotificationConstructorOptions } from 'electron';
import type { Notification } from '../../shared/model/notification.js';
import { NotifyError, type Notifier } from './engine-boundary.js';

/** A shown desktop notification (Electron's Notification). */
export interface DesktopNotification {
  show(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

/** The parts of Electron's Notification the notifier uses. */
export interface NotificationParts {
  isSupported(): boolean;
  create(options: NotificationConstructorOptions): DesktopNotification;
}

/** The Electron notification for one engine notification: critical ones stay until dismissed, "resolved" ones are quiet. */
export function notificationOptions(event: Notification): NotificationConstructorOptions {
  const urgent = event.severity === 'critical' && event.phase === 'opened';
  return {
    title: event.phase === 'resolved' ? `Resolved: ${event.title}` : event.title,
    body: event.message,
    urgency: urgent ? 'critical' : event.severity === 'info' ? 'low' : 'normal',
    timeoutType: urgent ? 'never' : 'default',
    silent: event.phase === 'resolved',
  };
}

/**
 * The engine's notification channel for the desktop (the engine's `Notifier` interface): each
 * notification becomes a system notification; clicking it opens Keepsake's window.
 */
export class DesktopNotifier implements Notifier {
  readonly name = 'desktop';
  /** Shown notifications are kept until closed, or their click handler could be collected. */
  private readonly shown = new Set<DesktopNotification>();

  constructor(
    private readonly parts: NotificationParts,
    private readonly onClick: () => void,
  ) {}

  async notify(event: Notification): Promise<void> {
    if (!this.parts.isSupported()) throw new NotifyError('desktop: notifications are not supported here');
    const n = this.parts.create(notificationOptions(event));
    this.shown.add(n);
    n.on('click', () => this.onClick());
    n.on('close', () => this.shown.delete(n));
    n.show();
  }
}

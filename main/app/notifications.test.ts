import type { NotificationConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { Notification } from '../../shared/model/notification.js';
import { NotifyError } from './engine-boundary.js';
import { parseEngineMessage } from './engine-messages.js';
import { DesktopNotifier, notificationOptions, type DesktopNotification } from './notifications.js';

const down: Notification = {
  incident: 'destination-down:nas@1',
  kind: 'destination-down',
  phase: 'opened',
  severity: 'warning',
  title: 'Backup destination "NAS" is down',
  message: '"NAS" has not been working since 10:00. Backups to it wait until it works again.',
  at: 1_780_000_000_000,
  destination: 'NAS',
};

/** Electron's Notification, recording what was shown. */
function fakeNotifications(supported = true) {
  const shown: { options: NotificationConstructorOptions; emit: (e: 'click' | 'close') => void }[] = [];
  return {
    shown,
    parts: {
      isSupported: () => supported,
      create: (options: NotificationConstructorOptions): DesktopNotification => {
        const listeners: Record<string, (() => void)[]> = {};
        const n = {
          show: () => shown.push({ options, emit: (e) => listeners[e]?.forEach((l) => l()) }),
          on: (e: 'click' | 'close', l: () => void) => (listeners[e] ??= []).push(l),
        };
        return n;
      },
    },
  };
}

describe('desktop notifications', () => {
  it("show the engine's notifications; a click opens the window", async () => {
    const fake = fakeNotifications();
    const open = vi.fn();
    const notifier = new DesktopNotifier(fake.parts, open);
    expect(notifier.name).toBe('desktop');
    await notifier.notify(down);
    expect(fake.shown.map((s) => s.options)).toEqual([
      { title: down.title, body: down.message, urgency: 'normal', timeoutType: 'default', silent: false },
    ]);
    fake.shown[0]!.emit('click');
    expect(open).toHaveBeenCalledOnce();
  });

  it('keep critical incidents on screen, and resolved ones quiet', () => {
    const critical = { ...down, kind: 'below-target', severity: 'critical' } as const;
    expect(notificationOptions(critical)).toMatchObject({
      urgency: 'critical',
      timeoutType: 'never',
      silent: false,
    });
    expect(notificationOptions({ ...critical, phase: 'resolved' })).toMatchObject({
      title: `Resolved: ${down.title}`,
      urgency: 'normal',
      timeoutType: 'default',
      silent: true,
    });
    expect(notificationOptions({ ...down, severity: 'info' })).toMatchObject({ urgency: 'low' });
  });

  it('fail as the Notifier interface says when the system has none', async () => {
    const notifier = new DesktopNotifier(fakeNotifications(false).parts, vi.fn());
    await expect(notifier.notify(down)).rejects.toThrow(NotifyError);
  });

  it("take only well-formed messages from the engine's process", () => {
    expect(parseEngineMessage({ type: 'keepsake:notification', notification: down })).toEqual({
      type: 'keepsake:notification',
      notification: down,
    });
    for (const bad of [
      null,
      'keepsake:notification',
      { type: 'keepsake:notification' },
      { type: 'keepsake:notification', notification: { ...down, kind: 'rm -rf' } },
      { type: 'keepsake:notification', notification: { ...down, title: '' } },
      { type: 'keepsake:credentials-changed', content: '{}' }, // secrets go through secret-server.ts
      { type: 'keepsake:other' },
    ])
      expect(parseEngineMessage(bad), JSON.stringify(bad)).toBeUndefined();
  });
});

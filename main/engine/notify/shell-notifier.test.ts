import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { newConfig } from '../config/config-file.js';
import { NOTIFICATION_MESSAGE } from '../secrets/protocol.js';
import { channelFromPort } from '../secrets/shell-channel.js';
import { NotificationCenter } from './center.js';
import { notifiersFor } from './from-config.js';
import { NotifyError } from './notifier.js';
import { ShellNotifier } from './shell-notifier.js';

describe('desktop notifications through the shell', () => {
  it('are added when the shell started the engine, and each incident reaches the port once', async () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const clock = new ManualClock();
      const shell = () => channelFromPort(port1);
      expect(notifiersFor(newConfig(), clock, {}, shell).map((n) => n.name)).toEqual(['log']);
      const notifiers = notifiersFor(newConfig(), clock, { KEEPSAKE_SHELL: '1' }, shell);
      expect(notifiers.map((n) => n.name)).toEqual(['log', 'desktop']);
      // No parent port (a terminal run with the variable left set): no desktop channel.
      expect(notifiersFor(newConfig(), clock, { KEEPSAKE_SHELL: '1' }, () => undefined)).toHaveLength(1);

      const received: unknown[] = [];
      port2.on('message', (m) => received.push(m));
      const center = new NotificationCenter(clock, [notifiers[1]!]);
      for (let i = 0; i < 5; i++) {
        center.destinationHealth({
          destination: 'NAS',
          state: 'down',
          reason: 'unplugged',
          since: clock.now(),
        });
        await center.tick();
        clock.advance(10_000);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        type: NOTIFICATION_MESSAGE,
        notification: { kind: 'destination-down', phase: 'opened', destination: 'NAS' },
      });
    } finally {
      port1.close();
    }
  });

  it('fail as the Notifier interface says when the shell cannot be reached', async () => {
    const notifier = new ShellNotifier({
      post: () => {
        throw new Error('channel closed');
      },
      listen: () => () => undefined,
    });
    const event = {
      incident: 'x',
      kind: 'destination-down',
      phase: 'opened',
      severity: 'warning',
      title: 't',
      message: 'm',
      at: 0,
    } as const;
    await expect(notifier.notify(event)).rejects.toThrow(NotifyError);
  });
});

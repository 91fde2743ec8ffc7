import { describe, expect, it } from 'vitest';
import type { Notification } from '../../../shared/model/notification.js';
import { emailContent, slackPayload } from './format.js';
import { LogNotifier } from './log-notifier.js';
import { redact } from './notifier.js';

const event: Notification = {
  incident: 'destination-down:nas@2026-06-14T12:00:00.000Z',
  kind: 'destination-down',
  phase: 'opened',
  severity: 'warning',
  title: 'Backup destination "nas" is down',
  message:
    '"nas" has not been working since 2026-06-14T12:00:00.000Z: drive unplugged or network share not mounted.',
  at: Date.parse('2026-06-14T12:00:05Z'),
  destination: 'nas',
};

describe('notification formats', () => {
  it('LogNotifier writes one line with time, severity, title and message', async () => {
    const lines: string[] = [];
    await new LogNotifier((l) => lines.push(l)).notify(event);
    await new LogNotifier((l) => lines.push(l)).notify({
      ...event,
      phase: 'resolved',
      severity: 'info',
      message: 'back',
    });
    expect(lines).toEqual([
      '2026-06-14T12:00:05.000Z keepsake WARNING Backup destination "nas" is down: "nas" has not been working since 2026-06-14T12:00:00.000Z: drive unplugged or network share not mounted.',
      '2026-06-14T12:00:05.000Z keepsake INFO Resolved: Backup destination "nas" is down: back',
    ]);
  });

  it('builds a Slack payload with a fallback text and escaped mrkdwn', () => {
    const p = slackPayload({ ...event, message: 'file <a&b>.jpg' });
    expect(p.text).toBe(':warning: Backup destination "nas" is down: file &lt;a&amp;b&gt;.jpg');
    expect(p.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Backup destination "nas" is down', emoji: true },
    });
    expect(p.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'file &lt;a&amp;b&gt;.jpg' },
    });
  });

  it('builds an email subject and body', () => {
    const e = emailContent(event);
    expect(e.subject).toBe('[Keepsake] Backup destination "nas" is down');
    expect(e.text).toContain('drive unplugged');
    expect(e.text).toContain('Destination: nas');
    expect(e.text).toContain('When: 2026-06-14T12:00:05.000Z');
  });

  it('redacts secrets of four characters or more', () => {
    expect(redact('token abcd1234 in abcd1234/x', ['abcd1234', undefined, 'ab'])).toBe('token *** in ***/x');
  });
});

import type { Notification } from '../../../shared/model/notification.js';
import { isoAt } from '../clock.js';

/** The title as shown everywhere: resolved incidents say so first. */
export function headline(n: Notification): string {
  return n.phase === 'resolved' ? `Resolved: ${n.title}` : n.title;
}

/** One log line: time, severity, headline and message. */
export function logLine(n: Notification): string {
  return `${isoAt(n.at)} keepsake ${n.severity.toUpperCase()} ${headline(n)}: ${n.message}`;
}

/** Slack's mrkdwn needs &, < and > escaped, or a file name like `<a>` becomes a link. */
function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const icon: Record<Notification['severity'], string> = {
  info: ':white_check_mark:',
  warning: ':warning:',
  critical: ':rotating_light:',
};

/**
 * A Slack-compatible incoming-webhook payload: `text` is the fallback every receiver shows (Slack
 * notifications, Mattermost, Discord's /slack endpoint), `blocks` the richer layout Slack renders.
 */
export function slackPayload(n: Notification): { text: string; blocks: unknown[] } {
  const mark = n.phase === 'resolved' ? icon.info : icon[n.severity];
  return {
    text: `${mark} ${escapeSlack(headline(n))}: ${escapeSlack(n.message)}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline(n).slice(0, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: escapeSlack(n.message) } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${mark} Keepsake · ${n.severity} · ${isoAt(n.at)} · incident ${escapeSlack(n.incident)}`,
          },
        ],
      },
    ],
  };
}

/** Subject and plain-text body of the email for a notification. */
export function emailContent(n: Notification): { subject: string; text: string } {
  return {
    subject: `[Keepsake] ${headline(n)}`,
    text: [
      n.message,
      '',
      `When: ${isoAt(n.at)}`,
      ...(n.destination ? [`Destination: ${n.destination}`] : []),
      `Incident: ${n.incident}`,
      '',
      '— Keepsake, the backup agent on your computer',
    ].join('\n'),
  };
}

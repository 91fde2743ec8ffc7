import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { EmailNotifier } from './email-notifier.js';
import { LogNotifier } from './log-notifier.js';
import type { Notifier } from './notifier.js';
import { WebhookNotifier } from './webhook-notifier.js';

/** The notifiers the config asks for: the log always, a webhook and email when configured. */
export function notifiersFor(config: Config, clock: Clock, env: NodeJS.ProcessEnv = process.env): Notifier[] {
  const out: Notifier[] = [new LogNotifier()];
  const n = config.notifications;
  if (n.webhookUrl) out.push(new WebhookNotifier({ url: n.webhookUrl, clock }));
  if (n.email) {
    const pass = env.KEEPSAKE_SMTP_PASSWORD;
    out.push(
      new EmailNotifier({
        host: n.email.host,
        port: n.email.port,
        security: n.email.security,
        from: n.email.from,
        to: n.email.to,
        ...(n.email.user && pass ? { auth: { user: n.email.user, pass } } : {}),
      }),
    );
  }
  return out;
}

import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { SHELL_ENV } from '../secrets/protocol.js';
import { parentChannel, type ShellChannel } from '../secrets/shell-channel.js';
import { EmailNotifier } from './email-notifier.js';
import { LogNotifier } from './log-notifier.js';
import type { Notifier } from './notifier.js';
import { ShellNotifier } from './shell-notifier.js';
import { WebhookNotifier } from './webhook-notifier.js';

/**
 * The notifiers the config asks for: the log always, a webhook and email when configured, and the
 * desktop's when the desktop shell started this process (`KEEPSAKE_SHELL=1` and a parent port).
 */
export function notifiersFor(
  config: Config,
  clock: Clock,
  env: NodeJS.ProcessEnv = process.env,
  shell: () => ShellChannel | undefined = () => parentChannel(),
): Notifier[] {
  const out: Notifier[] = [new LogNotifier()];
  const desktop = env[SHELL_ENV] === '1' ? shell() : undefined;
  if (desktop) out.push(new ShellNotifier(desktop));
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

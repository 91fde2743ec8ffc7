/** Notifications: channels (log, webhook, email) and the center that sends one message per incident. */
export { NotificationCenter, defaultCenterOptions, type CenterOptions, type Incident } from './center.js';
export { EmailNotifier, type EmailOptions } from './email-notifier.js';
export { LogNotifier } from './log-notifier.js';
export { NotifyError, redact, type Notifier } from './notifier.js';
export { ShellNotifier } from './shell-notifier.js';
export { WebhookNotifier, type WebhookOptions } from './webhook-notifier.js';

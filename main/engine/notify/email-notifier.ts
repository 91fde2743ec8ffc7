import nodemailer, { type Transporter } from 'nodemailer';
import type { Notification } from '../../../shared/model/notification.js';
import { emailContent } from './format.js';
import { NotifyError, redact, type Notifier } from './notifier.js';

export interface EmailOptions {
  host: string;
  port: number;
  /**
   * `tls`: TLS from the first byte (port 465); `starttls` (default): plain connection upgraded with
   * STARTTLS, refused if the server cannot (port 587); `none`: no encryption (a relay on this machine).
   */
  security?: 'tls' | 'starttls' | 'none';
  auth?: { user: string; pass: string };
  from: string;
  to: string[];
  /** Connection, greeting and socket timeout. Default 15 s. */
  timeoutMs?: number;
  /** Accept a server certificate that does not verify (a self-signed home server). Default false. */
  allowUntrustedCertificate?: boolean;
}

/** Sends each notification as a plain-text email over SMTP (nodemailer). Errors never show the password. */
export class EmailNotifier implements Notifier {
  readonly name = 'email';
  private readonly transport: Transporter;

  constructor(private readonly opts: EmailOptions) {
    if (opts.to.length === 0) throw new NotifyError('email notifications need at least one recipient');
    const security = opts.security ?? 'starttls';
    const timeout = opts.timeoutMs ?? 15_000;
    this.transport = nodemailer.createTransport({
      host: opts.host,
      port: opts.port,
      secure: security === 'tls',
      requireTLS: security === 'starttls',
      ignoreTLS: security === 'none',
      ...(opts.auth ? { auth: { user: opts.auth.user, pass: opts.auth.pass } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      tls: { rejectUnauthorized: !opts.allowUntrustedCertificate },
    });
  }

  async notify(event: Notification): Promise<void> {
    const { subject, text } = emailContent(event);
    try {
      await this.transport.sendMail({ from: this.opts.from, to: this.opts.to, subject, text });
    } catch (err) {
      const detail = redact((err as Error)?.message ?? String(err), [this.opts.auth?.pass]);
      throw new NotifyError(`email via ${this.opts.host}:${this.opts.port} failed: ${detail}`);
    }
  }

  /** Closes the SMTP connections. */
  close(): void {
    this.transport.close();
  }
}

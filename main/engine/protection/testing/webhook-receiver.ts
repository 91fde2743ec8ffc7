import { createServer, type Server } from 'node:http';

/** A tiny Slack-compatible webhook receiver: records the `text` of every message posted to it. */
export class WebhookReceiver {
  readonly texts: string[] = [];
  private constructor(private readonly server: Server) {}

  /** Listens on a free port of 127.0.0.1. */
  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: string };
        receiver.texts.push(body.text ?? '');
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The URL to configure as `notifications.webhookUrl`. */
  get url(): string {
    const addr = this.server.address();
    if (typeof addr !== 'object' || !addr) throw new Error('webhook receiver is not listening');
    return `http://127.0.0.1:${addr.port}/hooks/keepsake`;
  }

  /** Stops listening. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiEvent } from '../../../shared/api/contract.js';
import type { BackupOutcome } from '../pipeline/backup-file.js';
import { Engine, type RestoreProgress } from '../engine.js';
import { EngineHost } from '../host/engine-host.js';
import { Coalesced } from '../scheduler/coalesced.js';
import { ApiGuard } from './guard.js';
import { hostRoute } from './routes-config.js';
import { handleApi, healthReport, HttpError } from './routes.js';
import { securityHeaders, serveStatic } from './static.js';

/** How often, at most, upload progress goes out on the event stream while files are read. */
const PROGRESS_MS = 500;
/** The queue report in each progress event may take at most this share of the engine's time. */
const PROGRESS_BUSY_SHARE = 0.1;
/** Status events wait this long after a change, so a burst of small files makes one event. */
const STATUS_DELAY_MS = 200;
/** Computing the status may take at most this share of the engine's time (about 1 s with 100,000 files). */
const STATUS_BUSY_SHARE = 0.2;

export interface ApiServerOptions {
  /** Folder of the built UI (renderer/dist). */
  uiRoot: string;
  /** Port to listen on; 0 (default) takes a free one. Always on 127.0.0.1. */
  port?: number;
}

/**
 * The engine's local API and UI server (Kopia's design): one HTTP server on 127.0.0.1 serving the
 * JSON API under /api, a server-sent event stream at /api/events and the built UI, all behind the
 * per-run secret and the Host/Origin checks of ApiGuard. The desktop shell loads the same URL.
 * Requests reach the engine through the EngineHost, so they keep working while a config change
 * replaces it, and the event stream carries the events of each engine in turn on the same connection.
 */
export class ApiServer {
  readonly guard = new ApiGuard();
  private readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly onFile = (path: string, outcome: BackupOutcome) => {
    this.broadcast({ type: 'file', path, outcome: outcome.kind });
    this.sendStatus();
  };
  private readonly onProblem = (message: string) => this.broadcast({ type: 'problem', message });
  private readonly onRestore = (p: RestoreProgress) => this.broadcast({ type: 'restore', ...p });
  private readonly onOptimize = (done: number, total: number) =>
    this.broadcast({ type: 'optimize', done, total });
  /** A manifest stored makes its files restorable by name: protection changes with it. */
  private readonly onSnapshot = (written: string) => {
    this.broadcast({ type: 'snapshot', written });
    this.sendStatus();
  };
  private readonly onHealth = (destination: string) => {
    void this.host
      .use((engine) => healthReport(engine, destination))
      .then(
        (health) => {
          if (health) this.broadcast({ type: 'health', health });
          this.sendStatus();
        },
        () => undefined,
      );
  };
  private readonly onEngine = () => this.sendStatus();
  /** Bytes read for backup since the server started, sent with the queue as `progress` events. */
  private bytesRead = 0;
  private readonly progressEvents = new Coalesced(
    async () => {
      if (this.streams.size === 0) return;
      const queue = await this.host.use((engine) => engine.queueReport());
      this.broadcast({ type: 'progress', bytesRead: this.bytesRead, queue });
    },
    { delayMs: PROGRESS_MS, busyShare: PROGRESS_BUSY_SHARE },
  );
  private readonly onRead = (n: number) => {
    this.bytesRead += n;
    if (this.streams.size > 0) this.progressEvents.signal();
  };

  private readonly host: EngineHost;

  /** `source`: the host of the running engine, or an engine of the caller's own (adopted by a host). */
  constructor(
    source: EngineHost | Engine,
    private readonly opts: ApiServerOptions,
  ) {
    this.host = source instanceof Engine ? EngineHost.adopt(source) : source;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<{ port: number; url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.host.on('read', this.onRead);
    this.host.on('file', this.onFile);
    this.host.on('problem', this.onProblem);
    this.host.on('restore', this.onRestore);
    this.host.on('optimize', this.onOptimize);
    this.host.on('snapshot', this.onSnapshot);
    this.host.on('health', this.onHealth);
    this.host.on('engine', this.onEngine);
    const port = (this.server.address() as AddressInfo).port;
    this.guard.setPort(port);
    return { port, url: `http://127.0.0.1:${port}/` };
  }

  /** Sends a live event to every open event stream. */
  broadcast(event: ApiEvent): void {
    const frame = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const res of this.streams) res.write(frame);
  }

  /** The status for every open stream, coalesced: a burst of finished files makes one status event. */
  private readonly statusEvents = new Coalesced(
    async () => {
      if (this.streams.size === 0) return;
      const status = await this.host.use((engine) => engine.status());
      this.broadcast({ type: 'status', status });
    },
    { delayMs: STATUS_DELAY_MS, busyShare: STATUS_BUSY_SHARE },
  );

  /** Something the status shows changed (a file done, a health change, a new engine). */
  private sendStatus(): void {
    if (this.streams.size > 0) this.statusEvents.signal();
  }

  async close(): Promise<void> {
    this.host.off('read', this.onRead);
    this.progressEvents.close();
    this.statusEvents.close();
    this.host.off('file', this.onFile);
    this.host.off('problem', this.onProblem);
    this.host.off('optimize', this.onOptimize);
    this.host.off('restore', this.onRestore);
    this.host.off('snapshot', this.onSnapshot);
    this.host.off('health', this.onHealth);
    this.host.off('engine', this.onEngine);
    for (const res of this.streams) res.end();
    this.streams.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/login') {
      const refused = this.guard.refusal(req, { needsAuth: false });
      const cookie = refused
        ? undefined
        : this.guard.login(url.searchParams.get('token') ?? '', this.host.clock.now());
      if (!cookie)
        return this.fail(
          res,
          refused?.status ?? 401,
          refused?.reason ?? 'this login link was used already or has expired',
          req,
        );
      res.writeHead(303, { 'Set-Cookie': cookie, Location: '/' });
      res.end();
      return;
    }
    const refused = this.guard.refusal(req, { needsAuth: true });
    if (refused) return this.fail(res, refused.status, refused.reason, req);
    if (url.pathname === '/api/events') return this.openStream(res);
    // `keepsake open`: a fresh one-time login link, for the holder of the secret.
    if (url.pathname === '/api/login-link' && req.method === 'POST') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ url: this.guard.loginUrl(this.host.clock.now()) }));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      try {
        const body = req.method === 'POST' ? await readJson(req) : undefined;
        const method = req.method ?? 'GET';
        const route = hostRoute(method, url.pathname);
        const result = route
          ? await route(this.host, body)
          : await this.host.use((engine) => handleApi(engine, method, url.pathname, body));
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(result));
      } catch (err) {
        const status = err instanceof HttpError ? err.status : 500;
        this.fail(res, status, (err as Error).message);
      }
      return;
    }
    if (req.method !== 'GET') return this.fail(res, 405, 'method not allowed');
    serveStatic(this.opts.uiRoot, url.pathname, res);
  }

  private openStream(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  /**
   * An error: JSON for the API; for a browser opening a page without a valid session (a used login
   * link, a bookmarked address), a page saying how to get in again.
   */
  private fail(res: ServerResponse, status: number, error: string, req?: IncomingMessage): void {
    if (res.headersSent) return void res.end();
    const page =
      req &&
      status === 401 &&
      !(req.url ?? '').startsWith('/api/') &&
      /text\/html/.test(req.headers.accept ?? '');
    if (page) {
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(loginPage(error));
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error }));
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1024 * 1024) throw new HttpError(413, 'request body too large');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

/** The page a browser gets without a valid session: what happened and how to get a new link. */
function loginPage(reason: string): string {
  const why = reason.startsWith('this login link')
    ? 'This login link was used already or has expired: each link opens Keepsake once.'
    : 'This window is not signed in to Keepsake (links work once, and a restart ends old sessions).';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keepsake: sign in again</title>
</head><body>
<h1>Open Keepsake again</h1><p>${why}</p>
<p>To get a new link, run <code>npx keepsake open</code> in a terminal in the Keepsake folder, or
open Keepsake from its tray icon. Your backups keep running meanwhile.</p></body></html>`;
}

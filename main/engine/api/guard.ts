import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const COOKIE = 'keepsake_session';

/** Constant-time comparison of two secrets. */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * The local API's defences, as in Kopia's desktop app: a random secret per run, required on every
 * request (a Bearer header for programs, an HttpOnly SameSite=Strict cookie for the browser, set by a
 * one-time login link); a Host check against DNS rebinding; an Origin and Sec-Fetch-Site check and a
 * JSON content type on state-changing requests against CSRF from other web pages.
 */
export class ApiGuard {
  readonly secret = randomBytes(32).toString('base64url');
  private loginTokens = new Map<string, number>();
  private port = 0;

  setPort(port: number): void {
    this.port = port;
  }

  get origins(): string[] {
    return [`http://127.0.0.1:${this.port}`, `http://localhost:${this.port}`];
  }

  /** A one-time login link: opening it sets the session cookie; the link is useless afterwards. */
  loginUrl(nowMs: number): string {
    const token = randomBytes(24).toString('base64url');
    this.loginTokens.set(token, nowMs + 10 * 60_000);
    return `http://127.0.0.1:${this.port}/login?token=${token}`;
  }

  /** Consumes a login token; returns the Set-Cookie value, or undefined when the token is not valid. */
  login(token: string, nowMs: number): string | undefined {
    const expires = this.loginTokens.get(token);
    this.loginTokens.delete(token);
    if (expires === undefined || expires < nowMs) return undefined;
    return `${COOKIE}=${this.secret}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** Why a request must be refused, or null when it may proceed. */
  refusal(req: IncomingMessage, opts: { needsAuth: boolean }): { status: number; reason: string } | null {
    const host = req.headers.host ?? '';
    if (!this.origins.some((o) => o === `http://${host}`))
      return { status: 421, reason: 'unexpected Host header' };
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.includes(origin))
      return { status: 403, reason: 'foreign Origin' };
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      return { status: 403, reason: 'cross-site request' };
    if (!opts.needsAuth) return null;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const cookie = cookieValue(req, COOKIE);
    const authed =
      (bearer !== undefined && same(bearer, this.secret)) ||
      (cookie !== undefined && same(cookie, this.secret));
    if (!authed) return { status: 401, reason: 'missing or wrong secret' };
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? 'GET');
    if (unsafe && !(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return { status: 415, reason: 'state-changing requests must send JSON' };
    }
    return null;
  }
}

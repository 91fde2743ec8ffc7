import { z } from 'zod';

/** How the shell reaches the running engine: its local URL, origin and per-run API secret. */
export interface EngineConnection {
  /** `http://127.0.0.1:<port>/`: the UI and, under /api, the JSON API. */
  url: string;
  /** `http://127.0.0.1:<port>`: the only origin the window may show or the IPC may answer. */
  origin: string;
  /** The per-run secret: a Bearer token for the shell's API calls, the session cookie for the window. */
  secret: string;
}

const secretFileSchema = z.object({ url: z.string(), secret: z.string().min(16) });

/**
 * Parses what `keepsake run --secret-file` writes (`{ url, secret }`). Only an http URL on 127.0.0.1 is
 * accepted, so the shell never sends the secret anywhere but the local engine. Throws on anything else.
 */
export function parseSecretFile(text: string): EngineConnection {
  const { url, secret } = secretFileSchema.parse(JSON.parse(text));
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1' || parsed.port === '') {
    throw new Error(`the engine's URL must be http://127.0.0.1:<port>/, not ${url}`);
  }
  return { url: `${parsed.origin}/`, origin: parsed.origin, secret };
}

/** Name of the engine's session cookie (main/engine/api/guard.ts): holding the secret, it admits the window. */
export const SESSION_COOKIE = 'keepsake_session';

/** What `session.cookies.set` takes to log the window in: HttpOnly, SameSite=Strict, for the engine's URL only. */
export function sessionCookie(conn: EngineConnection) {
  return {
    url: conn.url,
    name: SESSION_COOKIE,
    value: conn.secret,
    path: '/',
    httpOnly: true,
    secure: false,
    sameSite: 'strict' as const,
  };
}

/** Logs the window's session in to the engine by setting its session cookie (no expiry: gone on quit). */
export async function authorizeSession(
  cookies: { set(details: ReturnType<typeof sessionCookie>): Promise<void> },
  conn: EngineConnection,
): Promise<void> {
  await cookies.set(sessionCookie(conn));
}
